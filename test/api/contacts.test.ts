import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { systemContext } from '../../server/domain/context.ts';
import { insertApiKey } from '../../server/domain/apiKeys/apiKeys.service.ts';
import { buildTicket } from '../helpers/factories.ts';
import { type ApiResponse, type TestServer, startTestServer } from '../helpers/server.ts';

interface ContactData {
  id: string;
  name: string | null;
  email: string;
  company: string | null;
  healthTier: 'healthy' | 'at-risk' | 'churned';
  lastSeenAt: string | null;
  openTicketCount: number;
  createdAt: string;
  updatedAt: string;
  recentTickets?: { id: string; subject: string; status: string; priority: string; createdAt: string }[];
  recentConversations?: { id: string; channel: string; status: string; subject: string; lastMessageAt: string }[];
}

let n = 0;
const email = (tag = 'c') => `${tag}-${n++}@example.com`;

async function newContact(s: TestServer, body: Record<string, unknown> = {}): Promise<ContactData> {
  const res = await s.api.post<ContactData>('/contacts', { email: email(), ...body });
  if (res.status !== 201) throw new Error(`newContact: ${res.status} ${res.text}`);
  return res.body.data;
}
const getContact = async (s: TestServer, id: string) =>
  (await s.api.get<ContactData>(`/contacts/${id}`)).body.data;
const tierOf = async (s: TestServer, id: string) => (await getContact(s, id)).healthTier;
const setStatus = async (s: TestServer, ticketId: string, status: string) =>
  expect((await s.api.patch(`/tickets/${ticketId}`, { status })).status).toBe(200);
const errorPaths = (res: ApiResponse) => res.body.error?.details?.errors?.map((e) => e.path);
const daysAgo = (s: TestServer, days: number) =>
  new Date(s.clock.now().getTime() - days * 86_400_000).toISOString();
const ids = (res: ApiResponse<ContactData[]>) => res.body.data.map((c) => c.id);

function expectError(res: ApiResponse, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.body).toMatchObject({ data: null, error: { code, message: expect.any(String) } });
}

describe('contacts CRUD', () => {
  let s: TestServer;
  beforeAll(async () => void (s = await startTestServer()));
  afterAll(async () => s.close());

  it('POST creates a healthy contact with a lower-cased email (201, envelope)', async () => {
    const res = await s.api.post<ContactData>('/contacts', {
      email: '  Ada@Example.COM ', name: ' Ada Lovelace ', company: 'Analytical',
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ data: expect.any(Object), error: null });
    expect(res.body.data.id).toMatch(/^ctc_[0-9A-Z]{26}$/);
    expect(res.body.data).toMatchObject({
      email: 'ada@example.com', name: 'Ada Lovelace', company: 'Analytical', healthTier: 'healthy',
      lastSeenAt: null, openTicketCount: 0,
      createdAt: '2026-03-02T09:00:00.000Z', updatedAt: '2026-03-02T09:00:00.000Z',
    });
    const again = await s.api.post('/contacts', { email: 'ADA@example.com' });
    expectError(again, 409, 'CONFLICT');
    expect(again.body.error?.message).toContain('ada@example.com');
    expect(again.body.error?.details).toEqual({ contactId: res.body.data.id });
  });

  it('POST rejects bad bodies with 400 naming every field', async () => {
    const bad = await s.api.post('/contacts', { email: 'not-an-email', id: 'ctc_x', role: 'vip' });
    expectError(bad, 400, 'BAD_REQUEST');
    expect(errorPaths(bad)).toEqual(expect.arrayContaining(['email', 'id', 'role']));
    const empty = await s.api.post('/contacts', {});
    expectError(empty, 400, 'BAD_REQUEST');
    expect(errorPaths(empty)).toEqual(['email']);
    expect(errorPaths(await s.api.post('/contacts', { email: email(), name: '  ' }))).toEqual(['name']);
    expect(errorPaths(await s.api.post('/contacts', { email: email(), lastSeenAt: 'yesterday' })))
      .toEqual(['lastSeenAt']);
    const future = await s.api.post('/contacts', { email: email(), lastSeenAt: '2026-03-02T09:00:01Z' });
    expectError(future, 400, 'BAD_REQUEST');
    expect(errorPaths(future)).toEqual(['lastSeenAt']);
  });

  it('POST accepts an imported lastSeenAt and stores it in the canonical form', async () => {
    const c = await newContact(s, { lastSeenAt: '2026-03-01T09:00:00Z' });
    expect(c.lastSeenAt).toBe('2026-03-01T09:00:00.000Z');
  });

  it('GET /contacts/:id is 404 for unknown and odd ids', async () => {
    for (const id of ['ctc_01JQ0000000000000000000000', "' OR 1=1 --", 'x'.repeat(500)]) {
      const res = await s.api.get(`/contacts/${encodeURIComponent(id)}`);
      expectError(res, 404, 'NOT_FOUND');
    }
  });

  it('GET /contacts/:id lists the 10 newest tickets and conversations', async () => {
    const c = await newContact(s);
    const made: string[] = [];
    for (let i = 0; i < 11; i++) {
      made.push((await buildTicket(s.api, { contactEmail: c.email, priority: 'low' })).id);
      s.clock.advanceMinutes(1);
    }
    // Inserted directly: conversations are another resource's API; only the read is under test.
    for (let i = 0; i < 11; i++) {
      await s.db.insertInto('conversations').values({
        id: `conv_TEST${i}`, channel: 'chat', status: 'active', subject: `Chat ${i}`,
        participant_email: c.email, contact_id: c.id, ticket_id: null, message_count: 1,
        last_message_at: `2026-03-0${i % 2 ? 1 : 2}T08:00:${String(10 + i)}.000Z`,
        created_at: '2026-03-01T00:00:00.000Z', updated_at: '2026-03-01T00:00:00.000Z',
      }).execute();
    }
    const res = await s.api.get<ContactData>(`/contacts/${c.id}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: expect.any(Object), error: null });
    const d = res.body.data;
    expect(d.openTicketCount).toBe(11);
    expect(d.recentTickets?.map((t) => t.id)).toEqual(made.slice(1).reverse());
    expect(d.recentTickets?.[0]).toEqual({
      id: made[10], subject: expect.any(String), status: 'open', priority: 'low',
      createdAt: '2026-03-02T09:10:00.000Z',
    });
    const convs = d.recentConversations ?? [];
    expect(convs).toHaveLength(10);
    expect(convs.map((cv) => cv.lastMessageAt)).toEqual(convs.map((cv) => cv.lastMessageAt).sort().reverse());
    expect(convs.map((cv) => cv.id)).not.toContain('conv_TEST1'); // the oldest lastMessageAt
    expect(convs[0]).toEqual({
      id: 'conv_TEST10', channel: 'chat', status: 'active', subject: 'Chat 10',
      lastMessageAt: '2026-03-02T08:00:20.000Z',
    });
  });

  it('PATCH changes only the given fields, clears with null and moves updatedAt', async () => {
    const c = await newContact(s, { name: 'Grace', company: 'Navy' });
    s.clock.advanceMinutes(5);
    const res = await s.api.patch<ContactData>(`/contacts/${c.id}`, { company: null, name: 'Grace H' });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ name: 'Grace H', company: null, email: c.email, createdAt: c.createdAt });
    expect(res.body.data.updatedAt > c.updatedAt).toBe(true);
    const renamed = await s.api.patch<ContactData>(`/contacts/${c.id}`, { email: ' NEW-grace@Example.com' });
    expect(renamed.body.data.email).toBe('new-grace@example.com');
    expect((await s.api.patch(`/contacts/${c.id}`, { email: 'New-Grace@example.com' })).status).toBe(200);
  });

  it('PATCH to an email another contact has is 409; bad bodies 400; unknown id 404', async () => {
    const a = await newContact(s);
    const b = await newContact(s);
    const taken = await s.api.patch(`/contacts/${b.id}`, { email: a.email.toUpperCase() });
    expectError(taken, 409, 'CONFLICT');
    expect(taken.body.error?.details).toEqual({ contactId: a.id });
    expect(errorPaths(await s.api.patch(`/contacts/${b.id}`, {}))).toEqual(['']);
    expect(errorPaths(await s.api.patch(`/contacts/${b.id}`, { createdAt: 'x' }))).toContain('createdAt');
    expect(errorPaths(await s.api.patch(`/contacts/${b.id}`, { email: 'nope' }))).toEqual(['email']);
    expectError(await s.api.patch('/contacts/ctc_nope', { name: 'x' }), 404, 'NOT_FOUND');
    expect((await getContact(s, b.id)).email).toBe(b.email);
  });

  it('needs contacts:read / contacts:write', async () => {
    const admin = await s.db.selectFrom('users').select('id').where('role', '=', 'admin').executeTakeFirstOrThrow();
    const mk = async (scope: 'contacts:read' | 'tickets:read') =>
      (await insertApiKey(systemContext(s.db, s.clock), { name: scope, scopes: [scope], userId: admin.id, rateLimitPerMinute: null })).key;
    const reader = await mk('contacts:read');
    expect((await s.api.get('/contacts', { key: reader })).status).toBe(200);
    const denied = await s.api.post('/contacts', { email: email() }, { key: reader });
    expectError(denied, 403, 'FORBIDDEN');
    expect(denied.body.error?.details).toMatchObject({ required: 'contacts:write' });
    expectError(await s.api.get('/contacts', { key: await mk('tickets:read') }), 403, 'FORBIDDEN');
    expectError(await s.api.get('/contacts', { key: null }), 401, 'UNAUTHORIZED');
  });

  it('openTicketCount follows ticket status', async () => {
    const c = await newContact(s);
    const t1 = await buildTicket(s.api, { contactEmail: c.email });
    const t2 = await buildTicket(s.api, { contactEmail: c.email });
    expect((await getContact(s, c.id)).openTicketCount).toBe(2);
    await setStatus(s, t1.id, 'pending');
    expect((await getContact(s, c.id)).openTicketCount).toBe(2);
    await setStatus(s, t1.id, 'resolved');
    await setStatus(s, t2.id, 'closed');
    expect((await getContact(s, c.id)).openTicketCount).toBe(0);
    await setStatus(s, t1.id, 'open');
    expect((await getContact(s, c.id)).openTicketCount).toBe(1);
  });
});

describe('GET /api/v1/contacts filters, sort and pagination', () => {
  let s: TestServer;
  const made: Record<string, ContactData> = {};
  beforeAll(async () => {
    s = await startTestServer();
    // All created at the same instant: every createdAt ties, so order rests on the id tie-break.
    const rows: [string, string, string | null][] = [
      ['pure', 'Zoe Pure', '100% Pure'], ['plain', 'zoe plain', '1000 Pure'],
      ['under', 'Und_er', 'Acme'], ['lower', 'Under', 'acme'], ['corp', 'Back\\slash', 'Acme Corp'],
      ['none', 'Nobody', null],
    ];
    for (const [key, name, company] of rows) {
      made[key] = await newContact(s, { email: `${key}.${key === 'under' ? 'a_b' : 'axb'}@Mail.test`, name, company });
    }
  });
  afterAll(async () => s.close());
  const list = (query: string) => s.api.get<ContactData[]>(`/contacts?${query}`);
  const keysOf = (res: ApiResponse<ContactData[]>) =>
    ids(res).map((id) => Object.keys(made).find((k) => made[k]?.id === id)).sort();

  it('searches name, email and company, case-insensitively, with % _ \\ taken literally', async () => {
    expect(keysOf(await list('search=ZOE'))).toEqual(['plain', 'pure']);
    expect(keysOf(await list('search=UNDER.'))).toEqual(['under']);
    expect(keysOf(await list('search=acme%20corp'))).toEqual(['corp']);
    expect(keysOf(await list(`search=${encodeURIComponent('0%')}`))).toEqual(['pure']);
    expect(keysOf(await list('search=a_b'))).toEqual(['under']);
    expect(keysOf(await list(`search=${encodeURIComponent('k\\s')}`))).toEqual(['corp']);
    const res = await list('search=%20%20');
    expect(res.body.meta?.total).toBe(6);
  });

  it('filters company by exact name, ignoring case', async () => {
    const res = await list('company=ACME');
    expect(keysOf(res)).toEqual(['lower', 'under']);
    expect(res.body.meta).toEqual({ total: 2, limit: 50, offset: 0 });
    expect(keysOf(await list('company=acme&search=und_'))).toEqual(['under']);
  });

  it('pages through ties without overlap, id breaking ties in the sort direction', async () => {
    const all = Object.values(made).map((c) => c.id).sort();
    for (const order of ['asc', 'desc'] as const) {
      const seen: string[] = [];
      for (let offset = 0; offset < 6; offset += 4) {
        const res = await list(`sortOrder=${order}&limit=4&offset=${offset}`);
        expect(res.body.meta).toEqual({ total: 6, limit: 4, offset });
        seen.push(...ids(res));
      }
      expect(seen).toEqual(order === 'asc' ? all : [...all].reverse());
    }
  });

  it('sorts by name ignoring case, and by email', async () => {
    const byName = await list('sortBy=name&sortOrder=asc');
    expect(byName.body.data.map((c) => c.name)).toEqual(
      ['Back\\slash', 'Nobody', 'Und_er', 'Under', 'zoe plain', 'Zoe Pure'],
    );
    const byEmail = await list('sortBy=email&sortOrder=desc&limit=2');
    expect(byEmail.body.data.map((c) => c.email)).toEqual(['under.a_b@mail.test', 'pure.axb@mail.test']);
  });

  it('rejects bad list parameters with 400 naming them', async () => {
    for (const [query, path] of [
      ['limit=0', 'limit'], ['limit=101', 'limit'], ['offset=-1', 'offset'], ['limit=1.5', 'limit'],
      ['sortBy=company', 'sortBy'], ['healthTier=fine', 'healthTier'], ['bogus=1', 'bogus'],
    ]) {
      const res = await list(query ?? '');
      expectError(res, 400, 'BAD_REQUEST');
      expect(errorPaths(res)).toEqual([path]);
    }
  });
});

describe('healthTier as time passes', () => {
  let s: TestServer;
  beforeEach(async () => void (s = await startTestServer()));
  afterEach(async () => s.close());

  it('healthy, then at-risk once a medium ticket breaches its 8 h first response, then healthy when resolved', async () => {
    const c = await newContact(s);
    expect(c.healthTier).toBe('healthy');
    const t = await buildTicket(s.api, { contactEmail: c.email, priority: 'medium' });
    s.clock.advanceMinutes(480);
    expect(await tierOf(s, c.id)).toBe('healthy');
    s.clock.advanceMinutes(1);
    expect(await tierOf(s, c.id)).toBe('at-risk');
    await setStatus(s, t.id, 'resolved');
    expect(await tierOf(s, c.id)).toBe('healthy');
  });

  it('an urgent open ticket makes it at-risk at once; resolving it makes it healthy', async () => {
    const c = await newContact(s);
    const t = await buildTicket(s.api, { contactEmail: c.email, priority: 'urgent' });
    expect(await tierOf(s, c.id)).toBe('at-risk');
    await setStatus(s, t.id, 'pending');
    expect(await tierOf(s, c.id)).toBe('at-risk');
    await setStatus(s, t.id, 'resolved');
    expect(await tierOf(s, c.id)).toBe('healthy');
  });

  it('3 tickets created within 30 days make it at-risk until the first leaves the window', async () => {
    const c = await newContact(s);
    for (let i = 0; i < 3; i++) {
      expect(await tierOf(s, c.id)).toBe('healthy');
      const t = await buildTicket(s.api, { contactEmail: c.email, priority: 'low' });
      await setStatus(s, t.id, 'resolved'); // within SLA: only the count matters here
      if (i < 2) s.clock.advanceDays(1);
    }
    expect(await tierOf(s, c.id)).toBe('at-risk');
    s.clock.advanceDays(28);
    expect(await tierOf(s, c.id)).toBe('at-risk'); // the first ticket is exactly 30 days old
    s.clock.advanceMinutes(1);
    expect(await tierOf(s, c.id)).toBe('healthy');
  });

  it('idle for more than 30 days is at-risk, more than 90 churned; new activity revives it', async () => {
    const quiet = await newContact(s);
    const urgent = await newContact(s);
    s.clock.advanceDays(30);
    expect(await tierOf(s, quiet.id)).toBe('healthy');
    s.clock.advanceDays(1);
    expect(await tierOf(s, quiet.id)).toBe('at-risk');
    s.clock.advanceDays(59);
    expect(await tierOf(s, quiet.id)).toBe('at-risk');
    s.clock.advanceDays(1);
    expect(await tierOf(s, quiet.id)).toBe('churned');
    expect(await tierOf(s, urgent.id)).toBe('churned');

    const t = await buildTicket(s.api, { contactEmail: quiet.email, priority: 'low' });
    const revived = await getContact(s, quiet.id);
    expect(revived).toMatchObject({ healthTier: 'healthy', lastSeenAt: t.createdAt, openTicketCount: 1 });
    await buildTicket(s.api, { contactEmail: urgent.email, priority: 'urgent' });
    expect(await tierOf(s, urgent.id)).toBe('at-risk');

    s.clock.advanceDays(20);
    await s.api.post(`/tickets/${t.id}/messages`, { body: 'still there?', sender: 'agent' });
    expect(await tierOf(s, quiet.id)).toBe('at-risk'); // its first response came late
    await setStatus(s, t.id, 'closed'); // closed (not resolved): a customer reply won't reopen it
    expect(await tierOf(s, quiet.id)).toBe('healthy');
    s.clock.advanceDays(11);
    expect(await tierOf(s, quiet.id)).toBe('at-risk'); // agent replies are not customer activity
    await s.api.post(`/tickets/${t.id}/messages`, { body: 'yes', sender: 'customer' });
    expect(await getContact(s, quiet.id)).toMatchObject({ healthTier: 'healthy', openTicketCount: 0 });
  });

  it('an imported lastSeenAt counts as the last activity', async () => {
    expect((await newContact(s, { lastSeenAt: daysAgo(s, 45) })).healthTier).toBe('at-risk');
    expect((await newContact(s, { lastSeenAt: daysAgo(s, 91) })).healthTier).toBe('churned');
    expect((await newContact(s, { lastSeenAt: daysAgo(s, 2) })).healthTier).toBe('healthy');
  });

  it('the healthTier filter returns exactly the contacts showing that tier, with a matching total', async () => {
    await newContact(s);
    await newContact(s, { lastSeenAt: daysAgo(s, 10) });
    await newContact(s, { lastSeenAt: daysAgo(s, 40) });
    await newContact(s, { lastSeenAt: daysAgo(s, 95) });
    await buildTicket(s.api, { priority: 'urgent' });
    await buildTicket(s.api, { priority: 'low' });
    const check = async (expected: Record<string, number>) => {
      const all = (await s.api.get<ContactData[]>('/contacts?limit=100')).body.data;
      const counts: Record<string, number> = { healthy: 0, 'at-risk': 0, churned: 0 };
      for (const c of all) counts[c.healthTier] = (counts[c.healthTier] ?? 0) + 1;
      expect(counts).toEqual(expected);
      for (const filter of ['healthy', 'at-risk', 'churned', 'at-risk,churned', 'healthy,churned']) {
        const res = await s.api.get<ContactData[]>(`/contacts?healthTier=${filter}&limit=100`);
        const want = all.filter((c) => filter.split(',').includes(c.healthTier)).map((c) => c.id);
        expect(ids(res)).toEqual(want);
        expect(res.body.meta?.total).toBe(want.length);
      }
    };
    await check({ healthy: 3, 'at-risk': 2, churned: 1 });
    s.clock.advanceDays(25);
    await check({ healthy: 1, 'at-risk': 4, churned: 1 }); // the low ticket is now past its SLA
    s.clock.advanceDays(70);
    await check({ healthy: 0, 'at-risk': 0, churned: 6 });
  });
});
