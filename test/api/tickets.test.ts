import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTicket, type TicketData } from '../helpers/factories.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

const paths = (res: { body: { error: { details?: { errors?: { path: string }[] } } | null } }) =>
  (res.body.error?.details?.errors ?? []).map((e) => e.path).sort();

describe('POST /api/v1/tickets', () => {
  it('numbers tickets one after another, whichever way they are made', async () => {
    const a = await buildTicket(s.api);
    const b = await buildTicket(s.api);
    expect(b.number).toBe(a.number + 1);
    const conv = await s.api.post<{ id: string }>('/conversations', {
      channel: 'chat',
      participantEmail: 'numbered@example.com',
      subject: 'Numbered',
      body: 'hello',
    });
    const converted = await s.api.post<TicketData>(`/conversations/${conv.body.data.id}/ticket`, {});
    expect(converted.body.data.number).toBe(b.number + 1);
    expect((await s.api.get<TicketData>(`/tickets/${a.id}`)).body.data.number).toBe(a.number);
  });

  it('names a contact it creates, and leaves an existing contact’s name alone', async () => {
    const email = 'walk-in@example.com';
    const first = await s.api.post<TicketData>('/tickets', { subject: 'Walk-in', description: 'At the desk', contactEmail: email, contactName: 'Walter In' });
    expect(first.status).toBe(201);
    const contact = await s.api.get<{ name: string | null }>(`/contacts/${first.body.data.contactId}`);
    expect(contact.body.data.name).toBe('Walter In');
    await s.api.post('/tickets', { subject: 'Again', description: 'Phone', contactEmail: email, contactName: 'Someone Else' });
    expect((await s.api.get<{ name: string | null }>(`/contacts/${first.body.data.contactId}`)).body.data.name).toBe('Walter In');
    const blank = await s.api.post('/tickets', { subject: 'x', description: 'y', contactEmail: 'blank@example.com', contactName: '  ' });
    expect(blank.status).toBe(400);
    expect(blank.body.error?.details?.errors?.[0]?.path).toBe('contactName');
  });

  it('creates an open ticket whose description is the first customer message', async () => {
    const res = await s.api.post<TicketData>('/tickets', {
      subject: '  Cannot reset password ',
      description: 'The reset link returns a 404.',
      priority: 'high',
      contactEmail: 'Jane@Acme.com',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toMatch(/^application\/json; charset=utf-8/);
    const t = res.body.data;
    expect(res.body.error).toBeNull();
    expect(t.id).toMatch(/^tkt_[0-9A-Z]{26}$/);
    expect(t).toMatchObject({
      subject: 'Cannot reset password',
      status: 'open',
      priority: 'high',
      contactEmail: 'jane@acme.com',
      assignedTo: null,
      firstResponseAt: null,
      resolvedAt: null,
      createdAt: s.clock.now().toISOString(),
    });
    const got = await s.api.get<TicketData>(`/tickets/${t.id}`);
    expect(got.status).toBe(200);
    expect(got.body.data.messages).toEqual([
      expect.objectContaining({
        body: 'The reset link returns a 404.',
        sender: 'customer',
        internal: false,
        authorId: t.contactId,
      }),
    ]);
  });

  it('links a second ticket from the same address (any case) to the same contact', async () => {
    const a = await buildTicket(s.api, { contactEmail: 'sam@example.org' });
    const b = await buildTicket(s.api, { contactEmail: 'SAM@Example.ORG' });
    expect(b.contactId).toBe(a.contactId);
  });

  it('defaults priority to medium and sets SLA due times from the policy', async () => {
    const t = await buildTicket(s.api);
    expect(t.priority).toBe('medium');
    const created = Date.parse(t.createdAt);
    expect(Date.parse(t.sla.firstResponseDueAt) - created).toBe(480 * 60_000);
    expect(Date.parse(t.sla.resolutionDueAt) - created).toBe(2880 * 60_000);
    expect(t.sla.breached).toBe(false);
  });

  it('lists every problem of an invalid body at once', async () => {
    const res = await s.api.post('/tickets', {
      subject: '   ',
      contactEmail: 'not-an-email',
      priority: 'critical',
      id: 'tkt_mine',
      createdAt: '2020-01-01T00:00:00Z',
    });
    expect(res.status).toBe(400);
    expect(res.body.data).toBeNull();
    expect(res.body.error?.code).toBe('BAD_REQUEST');
    expect(paths(res)).toEqual(['contactEmail', 'createdAt', 'description', 'id', 'priority', 'subject']);
    const unknown = res.body.error?.details?.errors?.find((e) => e.path === 'id');
    expect(unknown?.message).toBe('unknown field');
    expect(res.body.error?.message).toContain('description: required');
  });

  it('rejects wrong JSON types, arrays and scalars as bodies', async () => {
    expect((await s.api.post('/tickets', { subject: 5, description: true, contactEmail: null })).status).toBe(400);
    const array = await s.api.post('/tickets', [1, 2]);
    expect(array.status).toBe(400);
    expect(array.body.error?.code).toBe('BAD_REQUEST');
    expect((await s.api.post('/tickets', undefined, { raw: '"text"' })).status).toBe(400);
  });

  it('rejects assignment to a user that does not exist', async () => {
    const res = await s.api.post('/tickets', {
      subject: 'x',
      description: 'y',
      contactEmail: 'a@b.co',
      assignedTo: 'usr_01ARZ3NDEKTSV4RRFFQ69G5FAV',
    });
    expect(res.status).toBe(400);
    expect(paths(res)).toEqual(['assignedTo']);
  });

  it('writes nothing when the request fails', async () => {
    const before = await s.api.get('/tickets?limit=1');
    await s.api.post('/tickets', {
      subject: 'x',
      description: 'y',
      contactEmail: 'nobody-new@example.com',
      assignedTo: 'usr_01ARZ3NDEKTSV4RRFFQ69G5FAV',
    });
    const after = await s.api.get('/tickets?limit=1');
    expect(after.body.meta?.total).toBe(before.body.meta?.total);
    const contact = await s.db
      .selectFrom('contacts')
      .select('id')
      .where('email', '=', 'nobody-new@example.com')
      .executeTakeFirst();
    expect(contact).toBeUndefined();
  });
});

describe('GET /api/v1/tickets/:id', () => {
  it('is a 404 envelope for unknown and odd ids, never a 500', async () => {
    for (const id of [
      'tkt_01ARZ3NDEKTSV4RRFFQ69G5FAV',
      encodeURIComponent("' OR 1=1 --"),
      'x'.repeat(500),
      encodeURIComponent('tkt_"; DROP TABLE tickets;'),
    ]) {
      const res = await s.api.get(`/tickets/${id}`);
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ data: null, error: { code: 'NOT_FOUND' } });
    }
  });
});

describe('PATCH /api/v1/tickets/:id', () => {
  it('changes only the given fields and moves updatedAt', async () => {
    const t = await buildTicket(s.api, { priority: 'low' });
    s.clock.advanceMinutes(5);
    const res = await s.api.patch<TicketData>(`/tickets/${t.id}`, { status: 'pending' });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ status: 'pending', priority: 'low', subject: t.subject });
    expect(res.body.data.updatedAt).toBe(s.clock.now().toISOString());
    expect(res.body.data.createdAt).toBe(t.createdAt);
  });

  it('sets resolvedAt on resolve and clears it on reopen', async () => {
    const t = await buildTicket(s.api);
    s.clock.advanceMinutes(1);
    const resolved = await s.api.patch<TicketData>(`/tickets/${t.id}`, { status: 'resolved' });
    expect(resolved.body.data.resolvedAt).toBe(s.clock.now().toISOString());
    s.clock.advanceMinutes(1);
    const closed = await s.api.patch<TicketData>(`/tickets/${t.id}`, { status: 'closed' });
    expect(closed.body.data.resolvedAt).toBe(resolved.body.data.resolvedAt);
    const reopened = await s.api.patch<TicketData>(`/tickets/${t.id}`, { status: 'open' });
    expect(reopened.body.data.resolvedAt).toBeNull();
  });

  it('recomputes SLA due times from createdAt when the priority changes', async () => {
    const t = await buildTicket(s.api, { priority: 'low' });
    s.clock.advanceMinutes(30);
    const res = await s.api.patch<TicketData>(`/tickets/${t.id}`, { priority: 'urgent' });
    const created = Date.parse(t.createdAt);
    expect(Date.parse(res.body.data.sla.firstResponseDueAt) - created).toBe(60 * 60_000);
    expect(Date.parse(res.body.data.sla.resolutionDueAt) - created).toBe(240 * 60_000);
  });

  it('assigns to a user and unassigns with null', async () => {
    const me = await s.api.get<{ id: string }>('/users/me');
    const t = await buildTicket(s.api);
    const assigned = await s.api.patch<TicketData>(`/tickets/${t.id}`, { assignedTo: me.body.data.id });
    expect(assigned.body.data.assignedTo).toBe(me.body.data.id);
    const unassigned = await s.api.patch<TicketData>(`/tickets/${t.id}`, { assignedTo: null });
    expect(unassigned.body.data.assignedTo).toBeNull();
  });

  it('rejects an empty body, unknown fields and bad enums, changing nothing', async () => {
    const t = await buildTicket(s.api);
    const empty = await s.api.patch(`/tickets/${t.id}`, {});
    expect(empty.status).toBe(400);
    expect(empty.body.error?.message).toContain('at least one field');
    const bad = await s.api.patch(`/tickets/${t.id}`, { status: 'done', contactId: 'ctc_x', subject: '' });
    expect(bad.status).toBe(400);
    expect(paths(bad)).toEqual(['contactId', 'status', 'subject']);
    const after = await s.api.get<TicketData>(`/tickets/${t.id}`);
    expect(after.body.data).toMatchObject({ status: 'open', subject: t.subject, updatedAt: t.updatedAt });
  });

  it('is a 404 for a ticket that does not exist', async () => {
    const res = await s.api.patch('/tickets/tkt_01ARZ3NDEKTSV4RRFFQ69G5FAV', { status: 'open' });
    expect(res.status).toBe(404);
  });
});

describe('messages', () => {
  it('sets firstResponseAt on the first visible agent reply only', async () => {
    const t = await buildTicket(s.api);
    s.clock.advanceMinutes(3);
    const note = await s.api.post(`/tickets/${t.id}/messages`, { body: 'Checking logs', internal: true });
    expect(note.status).toBe(201);
    expect((await s.api.get<TicketData>(`/tickets/${t.id}`)).body.data.firstResponseAt).toBeNull();
    s.clock.advanceMinutes(2);
    const reply = await s.api.post<{ sender: string; authorId: string }>(`/tickets/${t.id}/messages`, {
      body: 'We are on it',
    });
    expect(reply.body.data.sender).toBe('agent');
    const firstAt = s.clock.now().toISOString();
    s.clock.advanceMinutes(2);
    await s.api.post(`/tickets/${t.id}/messages`, { body: 'Second reply' });
    const got = await s.api.get<TicketData>(`/tickets/${t.id}`);
    expect(got.body.data.firstResponseAt).toBe(firstAt);
    expect(got.body.data.messages?.map((m) => [m.sender, m.internal])).toEqual([
      ['customer', false],
      ['agent', true],
      ['agent', false],
      ['agent', false],
    ]);
    const me = await s.api.get<{ id: string }>('/users/me');
    expect(reply.body.data.authorId).toBe(me.body.data.id);
  });

  it('reopens a resolved ticket on a customer reply, but not a closed one', async () => {
    const t = await buildTicket(s.api);
    await s.api.patch(`/tickets/${t.id}`, { status: 'resolved' });
    await s.api.post(`/tickets/${t.id}/messages`, { body: 'Still broken', sender: 'customer' });
    const reopened = await s.api.get<TicketData>(`/tickets/${t.id}`);
    expect(reopened.body.data).toMatchObject({ status: 'open', resolvedAt: null });

    await s.api.patch(`/tickets/${t.id}`, { status: 'closed' });
    await s.api.post(`/tickets/${t.id}/messages`, { body: 'Hello?', sender: 'customer' });
    expect((await s.api.get<TicketData>(`/tickets/${t.id}`)).body.data.status).toBe('closed');
  });

  it('refuses internal notes from customers and unknown senders', async () => {
    const t = await buildTicket(s.api);
    const res = await s.api.post(`/tickets/${t.id}/messages`, { body: 'x', sender: 'customer', internal: true });
    expect(res.status).toBe(400);
    expect(paths(res)).toEqual(['internal']);
    const system = await s.api.post(`/tickets/${t.id}/messages`, { body: 'x', sender: 'system' });
    expect(paths(system)).toEqual(['sender']);
    const missing = await s.api.post('/tickets/tkt_01ARZ3NDEKTSV4RRFFQ69G5FAV/messages', { body: 'x' });
    expect(missing.status).toBe(404);
  });

  it('pages through the thread oldest first', async () => {
    const t = await buildTicket(s.api);
    for (let i = 1; i <= 4; i++) {
      s.clock.advanceMinutes(1);
      await s.api.post(`/tickets/${t.id}/messages`, { body: `reply ${i}` });
    }
    const page = await s.api.get<{ body: string }[]>(`/tickets/${t.id}/messages?limit=2&offset=1`);
    expect(page.body.meta).toEqual({ total: 5, limit: 2, offset: 1 });
    expect(page.body.data.map((m) => m.body)).toEqual(['reply 1', 'reply 2']);
    const newest = await s.api.get<{ body: string }[]>(`/tickets/${t.id}/messages?limit=1&sortOrder=desc`);
    expect(newest.body.data[0]?.body).toBe('reply 4');
    expect((await s.api.get('/tickets/tkt_01ARZ3NDEKTSV4RRFFQ69G5FAV/messages')).status).toBe(404);
  });
});

describe('GET /api/v1/tickets', () => {
  let fresh: TestServer;
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    fresh = await startTestServer();
    const me = await fresh.api.get<{ id: string }>('/users/me');
    const specs = [
      ['a', 'low', 'open', 'Invoice totals wrong', 'alice@example.com'],
      ['b', 'urgent', 'open', 'Server down', 'bob@example.com'],
      ['c', 'high', 'pending', 'Refund request', 'alice@example.com'],
      ['d', 'medium', 'resolved', 'Password reset', 'carol@example.com'],
      ['e', 'urgent', 'closed', 'Outage follow-up', 'bob@example.com'],
    ] as const;
    for (const [name, priority, status, subject, email] of specs) {
      fresh.clock.advanceMinutes(1);
      const t = await buildTicket(fresh.api, { subject, priority, contactEmail: email });
      if (status !== 'open') await fresh.api.patch(`/tickets/${t.id}`, { status });
      ids[name] = t.id;
    }
    await fresh.api.patch(`/tickets/${ids.b}`, { assignedTo: me.body.data.id });
    await fresh.api.post(`/tickets/${ids.a}/messages`, { body: 'The kangaroo report is attached' });
  });
  afterAll(async () => {
    await fresh.close();
  });

  const list = async (query: string) => {
    const res = await fresh.api.get<TicketData[]>(`/tickets${query}`);
    expect(res.status, res.text).toBe(200);
    return res;
  };
  const names = (data: TicketData[]) =>
    data.map((t) => Object.keys(ids).find((k) => ids[k] === t.id));

  it('lists newest first with meta', async () => {
    const res = await list('');
    expect(names(res.body.data)).toEqual(['e', 'd', 'c', 'b', 'a']);
    expect(res.body.meta).toEqual({ total: 5, limit: 50, offset: 0 });
  });

  it('filters by status, several statuses, priority, assignee, contact', async () => {
    expect(names((await list('?status=open')).body.data)).toEqual(['b', 'a']);
    expect(names((await list('?status=open,pending')).body.data)).toEqual(['c', 'b', 'a']);
    expect(names((await list('?priority=urgent')).body.data)).toEqual(['e', 'b']);
    const me = await fresh.api.get<{ id: string }>('/users/me');
    expect(names((await list(`?assignedTo=${me.body.data.id}`)).body.data)).toEqual(['b']);
    expect((await list('?assignedTo=none')).body.meta?.total).toBe(4);
    const alice = (await fresh.api.get<TicketData>(`/tickets/${ids.a}`)).body.data.contactId;
    const byContact = await list(`?contactId=${alice}`);
    expect(names(byContact.body.data)).toEqual(['c', 'a']);
    expect(byContact.body.meta?.total).toBe(2);
  });

  it('searches subject, description and message bodies, combined with filters', async () => {
    expect(names((await list('?search=refund')).body.data)).toEqual(['c']);
    expect(names((await list('?search=KANGAROO')).body.data)).toEqual(['a']);
    expect(names((await list('?search=smoking')).body.data).length).toBe(5);
    expect(names((await list('?search=smoking&status=closed')).body.data)).toEqual(['e']);
    expect((await list('?search=nothing-matches-zebra')).body.meta?.total).toBe(0);
  });

  it('treats search operators and quotes as plain text', async () => {
    for (const q of ['"', 'AND OR NOT', 'subject:refund', '*', "' OR 1=1 --", '(((', '!!!']) {
      const res = await fresh.api.get(`/tickets?search=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(200);
    }
    for (const q of ['refund*', '"refund', '(refund)', '-refund', '^refund']) {
      expect(names((await list(`?search=${encodeURIComponent(q)}`)).body.data), q).toEqual(['c']);
    }
  });

  it('sorts by priority and status in their natural order, both directions', async () => {
    expect(names((await list('?sortBy=priority')).body.data)).toEqual(['e', 'b', 'c', 'd', 'a']);
    expect(names((await list('?sortBy=priority&sortOrder=asc')).body.data)).toEqual(['a', 'd', 'c', 'b', 'e']);
    expect(names((await list('?sortBy=status&sortOrder=asc')).body.data)).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(names((await list('?sortBy=createdAt&sortOrder=asc')).body.data)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('sorts by updatedAt', async () => {
    fresh.clock.advanceMinutes(5);
    await fresh.api.patch(`/tickets/${ids.c}`, { subject: 'Refund request (VAT)' });
    expect(names((await list('?sortBy=updatedAt')).body.data)[0]).toBe('c');
  });

  it('pages without overlap or gaps, also when timestamps tie', async () => {
    const tied = await startTestServer();
    try {
      for (let i = 0; i < 7; i++) await buildTicket(tied.api, { subject: `tie ${i}` });
      const seen: string[] = [];
      for (let offset = 0; offset < 7; offset += 3) {
        const page = await tied.api.get<TicketData[]>(`/tickets?limit=3&offset=${offset}`);
        seen.push(...page.body.data.map((t) => t.subject));
      }
      expect(seen).toEqual(['tie 6', 'tie 5', 'tie 4', 'tie 3', 'tie 2', 'tie 1', 'tie 0']);
    } finally {
      await tied.close();
    }
  });

  it('rejects out-of-range and malformed paging and unknown parameters', async () => {
    const cases: [string, string][] = [
      ['?limit=0', 'limit'],
      ['?limit=101', 'limit'],
      ['?limit=abc', 'limit'],
      ['?limit=1.5', 'limit'],
      ['?offset=-1', 'offset'],
      ['?sortBy=subject', 'sortBy'],
      ['?sortOrder=up', 'sortOrder'],
      ['?status=done', 'status'],
      ['?priority=urgent,critical', 'priority'],
      ['?stauts=open', 'stauts'],
      ['?status=open&status=closed', 'status'],
    ];
    for (const [query, path] of cases) {
      const res = await fresh.api.get(`/tickets${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error?.code).toBe('BAD_REQUEST');
      expect(paths(res), query).toEqual([path]);
    }
  });
});

describe('SLA breach as time passes', () => {
  it('turns breached once the first-response due time passes without a reply', async () => {
    const t = await buildTicket(s.api, { priority: 'urgent' });
    s.clock.advanceMinutes(59);
    expect((await s.api.get<TicketData>(`/tickets/${t.id}`)).body.data.sla.breached).toBe(false);
    s.clock.advanceMinutes(2);
    expect((await s.api.get<TicketData>(`/tickets/${t.id}`)).body.data.sla.breached).toBe(true);
  });

  it('stays within SLA when the reply and resolution came in time', async () => {
    const t = await buildTicket(s.api, { priority: 'urgent' });
    s.clock.advanceMinutes(30);
    await s.api.post(`/tickets/${t.id}/messages`, { body: 'On it' });
    s.clock.advanceMinutes(60);
    await s.api.patch(`/tickets/${t.id}`, { status: 'resolved' });
    s.clock.advanceDays(10);
    expect((await s.api.get<TicketData>(`/tickets/${t.id}`)).body.data.sla.breached).toBe(false);
  });

  it('is breached when resolution came after its due time', async () => {
    const t = await buildTicket(s.api, { priority: 'urgent' });
    s.clock.advanceMinutes(10);
    await s.api.post(`/tickets/${t.id}/messages`, { body: 'On it' });
    s.clock.advanceMinutes(300);
    await s.api.patch(`/tickets/${t.id}`, { status: 'resolved' });
    expect((await s.api.get<TicketData>(`/tickets/${t.id}`)).body.data.sla.breached).toBe(true);
  });
});
