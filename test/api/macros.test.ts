import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKey, buildTicket, buildUser, type TicketData } from '../helpers/factories.ts';
import { type ApiResponse, type TestServer, startTestServer } from '../helpers/server.ts';

interface MacroData {
  id: string;
  name: string;
  body: string;
  actions: { status?: string; priority?: string; addTags?: string[]; assignTo?: string };
  createdAt: string;
  updatedAt: string;
}
type Ticket = TicketData & { tags: string[] };

let s: TestServer;
let writer: string; // tickets:read + tickets:write, no admin
beforeAll(async () => {
  s = await startTestServer();
  writer = (await buildKey(s.api, ['tickets:read', 'tickets:write'])).key;
});
afterAll(async () => {
  await s.close();
});

const paths = (res: ApiResponse) => (res.body.error?.details?.errors ?? []).map((e) => e.path).sort();
const missingUser = 'usr_01ARZ3NDEKTSV4RRFFQ69G5FAV';

async function buildMacro(body: Record<string, unknown> = {}): Promise<MacroData> {
  const res = await s.api.post<MacroData>('/macros', { name: 'Thanks', body: 'Thanks!', ...body });
  if (res.status !== 201) throw new Error(`buildMacro: ${res.status} ${res.text}`);
  return res.body.data;
}

const apply = (ticketId: string, macroId: string, key?: string) =>
  s.api.post<Ticket>(`/tickets/${ticketId}/apply-macro`, { macroId }, key ? { key } : {});

describe('POST /api/v1/macros', () => {
  it('creates a macro with trimmed text and empty actions by default', async () => {
    const res = await s.api.post<MacroData>('/macros', { name: '  Greeting ', body: ' Hi {{contact.name}} ' });
    expect(res.status).toBe(201);
    expect(res.body.data.id).toMatch(/^mac_[0-9A-Z]{26}$/);
    expect(res.body.data).toMatchObject({
      name: 'Greeting',
      body: 'Hi {{contact.name}}',
      actions: {},
      createdAt: s.clock.now().toISOString(),
      updatedAt: s.clock.now().toISOString(),
    });
    expect((await s.api.get(`/macros/${res.body.data.id}`)).body.data).toEqual(res.body.data);
  });

  it('stores every action, tag names lower-cased once each', async () => {
    const agent = await buildUser(s.api);
    const m = await buildMacro({
      actions: { status: 'pending', priority: 'high', addTags: ['Billing', 'billing', 'vip'], assignTo: agent.id },
    });
    expect(m.actions).toEqual({ status: 'pending', priority: 'high', addTags: ['billing', 'vip'], assignTo: agent.id });
    expect((await buildMacro({ actions: { assignTo: 'me' } })).actions).toEqual({ assignTo: 'me' });
  });

  it('lists every problem of an invalid body at once', async () => {
    const res = await s.api.post('/macros', {
      name: '   ',
      id: 'mac_mine',
      actions: { status: 'done', priority: 'critical', addTags: ['ok', 'a,b', ''], assignTo: 'bob', extra: 1 },
    });
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('BAD_REQUEST');
    expect(paths(res)).toEqual([
      'actions.addTags.1',
      'actions.addTags.2',
      'actions.assignTo',
      'actions.extra',
      'actions.priority',
      'actions.status',
      'body',
      'id',
      'name',
    ]);
  });

  it('rejects over-long text and a non-object actions', async () => {
    const res = await s.api.post('/macros', { name: 'n'.repeat(101), body: 'b'.repeat(20_001), actions: [] });
    expect(res.status).toBe(400);
    expect(paths(res)).toEqual(['actions', 'body', 'name']);
  });

  it('rejects an assignee that does not exist or is deactivated, naming actions.assignTo', async () => {
    const unknown = await s.api.post('/macros', { name: 'x', body: 'y', actions: { assignTo: missingUser } });
    expect(unknown.status).toBe(400);
    expect(paths(unknown)).toEqual(['actions.assignTo']);
    const agent = await buildUser(s.api);
    await s.api.patch(`/users/${agent.id}`, { active: false });
    const inactive = await s.api.post('/macros', { name: 'x', body: 'y', actions: { assignTo: agent.id } });
    expect(inactive.status).toBe(400);
    expect(paths(inactive)).toEqual(['actions.assignTo']);
  });
});

describe('macro permissions', () => {
  it('needs admin to write and any valid key to read', async () => {
    const m = await buildMacro();
    const opts = { key: writer };
    const post = await s.api.post('/macros', { name: 'x', body: 'y' }, opts);
    expect(post.status).toBe(403);
    expect(post.body.error?.details).toMatchObject({ required: 'admin' });
    expect((await s.api.patch(`/macros/${m.id}`, { name: 'z' }, opts)).status).toBe(403);
    expect((await s.api.delete(`/macros/${m.id}`, opts)).status).toBe(403);
    expect((await s.api.get('/macros', opts)).status).toBe(200);
    expect((await s.api.get(`/macros/${m.id}`, opts)).status).toBe(200);
    const reader = (await buildKey(s.api, ['analytics:read'])).key;
    expect((await s.api.get(`/macros/${m.id}`, { key: reader })).status).toBe(200);
    expect((await s.api.get('/macros', { key: null })).status).toBe(401);
  });
});

describe('GET /api/v1/macros', () => {
  it('pages, sorts by name ignoring case, and searches names literally', async () => {
    const fresh = await startTestServer();
    try {
      for (const name of ['beta', 'Alpha', '100% refund', 'gamma']) {
        await fresh.api.post('/macros', { name, body: 'x' });
        fresh.clock.advanceMinutes(1);
      }
      const page = await fresh.api.get<MacroData[]>('/macros?limit=2&offset=1');
      expect(page.body.meta).toEqual({ total: 4, limit: 2, offset: 1 });
      expect(page.body.data.map((m) => m.name)).toEqual(['100% refund', 'Alpha']);
      const byName = await fresh.api.get<MacroData[]>('/macros?sortBy=name&sortOrder=asc');
      expect(byName.body.data.map((m) => m.name)).toEqual(['100% refund', 'Alpha', 'beta', 'gamma']);
      const search = await fresh.api.get<MacroData[]>('/macros?search=ALP');
      expect(search.body.data.map((m) => m.name)).toEqual(['Alpha']);
      const literal = await fresh.api.get<MacroData[]>(`/macros?search=${encodeURIComponent('0%')}`);
      expect(literal.body.meta?.total).toBe(1);
    } finally {
      await fresh.close();
    }
  });

  it('rejects bad list parameters', async () => {
    for (const q of ['limit=0', 'limit=101', 'offset=-1', 'limit=abc', 'sortBy=body', 'status=open']) {
      expect((await s.api.get(`/macros?${q}`)).status, q).toBe(400);
    }
  });
});

describe('GET, PATCH and DELETE /api/v1/macros/:id', () => {
  it('answers 404 for unknown and odd ids', async () => {
    for (const id of ['mac_01ARZ3NDEKTSV4RRFFQ69G5FAV', 'nope', 'tkt_01ARZ3NDEKTSV4RRFFQ69G5FAV', '%27%3B--', 'a%2Fb']) {
      expect((await s.api.get(`/macros/${id}`)).status, id).toBe(404);
      expect((await s.api.patch(`/macros/${id}`, { name: 'x' })).status, id).toBe(404);
      expect((await s.api.delete(`/macros/${id}`)).status, id).toBe(404);
    }
  });

  it('changes only the given fields; actions replace the whole object', async () => {
    const m = await buildMacro({ actions: { status: 'resolved', addTags: ['a'] } });
    s.clock.advanceMinutes(5);
    const res = await s.api.patch<MacroData>(`/macros/${m.id}`, { actions: { priority: 'low' } });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ name: m.name, body: m.body, actions: { priority: 'low' } });
    expect(res.body.data.actions).toEqual({ priority: 'low' });
    expect(res.body.data.updatedAt).toBe(s.clock.now().toISOString());
    expect(res.body.data.createdAt).toBe(m.createdAt);
    const renamed = await s.api.patch<MacroData>(`/macros/${m.id}`, { name: 'Renamed', body: 'New' });
    expect(renamed.body.data).toMatchObject({ name: 'Renamed', body: 'New', actions: { priority: 'low' } });
  });

  it('rejects an empty patch, unknown fields, bad values and an unknown assignee', async () => {
    const m = await buildMacro();
    expect((await s.api.patch(`/macros/${m.id}`, {})).status).toBe(400);
    const bad = await s.api.patch(`/macros/${m.id}`, { id: 'mac_x', name: '', actions: { status: 'nope' } });
    expect(paths(bad)).toEqual(['actions.status', 'id', 'name']);
    const who = await s.api.patch(`/macros/${m.id}`, { actions: { assignTo: missingUser } });
    expect(who.status).toBe(400);
    expect(paths(who)).toEqual(['actions.assignTo']);
    expect((await s.api.get<MacroData>(`/macros/${m.id}`)).body.data).toEqual(m);
  });

  it('deletes with 204 and no body', async () => {
    const m = await buildMacro();
    const res = await s.api.delete(`/macros/${m.id}`);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await s.api.get(`/macros/${m.id}`)).status).toBe(404);
  });
});

describe('POST /api/v1/tickets/:id/apply-macro', () => {
  it("posts the rendered body as the caller's first reply", async () => {
    const t = await buildTicket(s.api);
    await s.api.patch(`/contacts/${t.contactId}`, { name: 'Jane Doe' });
    const agent = await buildUser(s.api, { name: 'Sam Agent' });
    const key = (await buildKey(s.api, ['tickets:write'], { userId: agent.id })).key;
    const m = await buildMacro({ body: 'Hi {{ contact.name }}, re {{ticket.id}} {{foo.bar}}. {{agent.name}}' });
    s.clock.advanceMinutes(10);
    const res = await apply(t.id, m.id, key);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ id: t.id, firstResponseAt: s.clock.now().toISOString(), status: 'open' });
    expect(res.body.data.updatedAt).toBe(s.clock.now().toISOString());
    const thread = (await s.api.get<TicketData>(`/tickets/${t.id}`)).body.data.messages ?? [];
    expect(thread).toHaveLength(2);
    expect(thread[1]).toMatchObject({
      body: `Hi Jane Doe, re ${t.id} {{foo.bar}}. Sam Agent`,
      sender: 'agent',
      internal: false,
      authorId: agent.id,
    });
  });

  it('posts the reply as the agent edited it, still applying the actions, and the ticket number', async () => {
    const t = await buildTicket(s.api);
    const m = await buildMacro({ body: 'Ticket #{{ticket.number}} is fixed.', actions: { status: 'resolved' } });
    const edited = await s.api.post<TicketData>(`/tickets/${t.id}/apply-macro`, {
      macroId: m.id,
      body: `Ticket #${t.number} is fixed — and thanks for the screenshots!`,
    });
    expect(edited.status).toBe(200);
    expect(edited.body.data.status).toBe('resolved');
    const thread = (await s.api.get<TicketData>(`/tickets/${t.id}`)).body.data.messages ?? [];
    expect(thread.at(-1)?.body).toBe(`Ticket #${t.number} is fixed — and thanks for the screenshots!`);

    const plain = await buildTicket(s.api);
    await apply(plain.id, m.id);
    const rendered = (await s.api.get<TicketData>(`/tickets/${plain.id}`)).body.data.messages ?? [];
    expect(rendered.at(-1)?.body).toBe(`Ticket #${plain.number} is fixed.`);
    expect(plain.number).toBeGreaterThan(t.number);

    const empty = await s.api.post(`/tickets/${t.id}/apply-macro`, { macroId: m.id, body: '   ' });
    expect(empty.status).toBe(400);
    expect(empty.body.error?.details?.errors?.[0]?.path).toBe('body');
  });

  it('addresses a contact without a name by email and keeps the first firstResponseAt', async () => {
    const t = await buildTicket(s.api, { contactEmail: 'no-name@example.com' });
    const m = await buildMacro({ body: 'Dear {{contact.name}}, {{agent.name}}' });
    const first = await apply(t.id, m.id);
    s.clock.advanceMinutes(3);
    const second = await apply(t.id, m.id);
    expect(second.body.data.firstResponseAt).toBe(first.body.data.firstResponseAt);
    const thread = (await s.api.get<TicketData>(`/tickets/${t.id}`)).body.data.messages ?? [];
    expect(thread.map((msg) => msg.body).slice(1)).toEqual([
      'Dear no-name@example.com, Administrator',
      'Dear no-name@example.com, Administrator',
    ]);
  });

  it('applies status, priority, tags and assignment to "me"', async () => {
    const t = await buildTicket(s.api);
    await s.api.patch(`/tickets/${t.id}`, { tags: ['existing'] });
    const agent = await buildUser(s.api);
    const key = (await buildKey(s.api, ['tickets:write'], { userId: agent.id })).key;
    const m = await buildMacro({
      actions: { status: 'resolved', priority: 'urgent', addTags: ['refund', 'existing'], assignTo: 'me' },
    });
    s.clock.advanceMinutes(1);
    const res = await apply(t.id, m.id, key);
    expect(res.status).toBe(200);
    const now = s.clock.now().toISOString();
    expect(res.body.data).toMatchObject({
      status: 'resolved',
      resolvedAt: now,
      priority: 'urgent',
      tags: ['existing', 'refund'],
      assignedTo: agent.id,
      firstResponseAt: now,
    });
    expect(Date.parse(res.body.data.sla.firstResponseDueAt) - Date.parse(t.createdAt)).toBe(60 * 60_000);
    expect((await s.api.get<Ticket>(`/tickets/${t.id}`)).body.data).toMatchObject(res.body.data);
  });

  it('writes nothing when an action fails (assignee deactivated since)', async () => {
    const t = await buildTicket(s.api);
    const agent = await buildUser(s.api);
    const m = await buildMacro({ body: 'Zebracadabra', actions: { status: 'resolved', addTags: ['never'], assignTo: agent.id } });
    expect((await s.api.patch(`/users/${agent.id}`, { active: false })).status).toBe(200);
    const before = await s.api.get<Ticket>(`/tickets/${t.id}`);
    s.clock.advanceMinutes(1);
    const res = await apply(t.id, m.id);
    expect(res.status).toBe(400);
    expect(paths(res)).toEqual(['macroId']);
    expect(res.body.error?.message).toContain('deactivated');
    const after = await s.api.get<Ticket>(`/tickets/${t.id}`);
    expect(after.body.data).toEqual(before.body.data);
    expect(after.body.data.messages).toHaveLength(1);
    expect((await s.api.get('/tickets?tag=never')).body.meta?.total).toBe(0);
    expect((await s.api.get('/tickets?search=zebracadabra')).body.meta?.total).toBe(0);
  });

  it('answers 400 naming macroId for an unknown macro, 404 for an unknown ticket', async () => {
    const t = await buildTicket(s.api);
    const m = await buildMacro();
    const unknown = await apply(t.id, 'mac_01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(unknown.status).toBe(400);
    expect(paths(unknown)).toEqual(['macroId']);
    expect(paths(await s.api.post(`/tickets/${t.id}/apply-macro`, {}))).toEqual(['macroId']);
    expect(paths(await s.api.post(`/tickets/${t.id}/apply-macro`, { macroId: m.id, x: 1 }))).toEqual(['x']);
    for (const id of ['tkt_01ARZ3NDEKTSV4RRFFQ69G5FAV', 'nope']) {
      expect((await apply(id, m.id)).status, id).toBe(404);
    }
    expect((await s.api.get<TicketData>(`/tickets/${t.id}`)).body.data.messages).toHaveLength(1);
  });

  it('needs tickets:write', async () => {
    const t = await buildTicket(s.api);
    const m = await buildMacro();
    const reader = (await buildKey(s.api, ['tickets:read'])).key;
    const res = await apply(t.id, m.id, reader);
    expect(res.status).toBe(403);
    expect(res.body.error?.details).toMatchObject({ required: 'tickets:write' });
    expect((await apply(t.id, m.id, writer)).status).toBe(200);
  });
});
