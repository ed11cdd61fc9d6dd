import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKey, buildTicket, buildUser, type TicketData } from '../helpers/factories.ts';
import { type ApiResponse, type TestServer, startTestServer } from '../helpers/server.ts';

type Ticket = TicketData & { tags: string[]; conversationId: string | null };

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;
const missingId = () => `tkt_01ARZ3NDEKTSV4RRFFQ69G${(1000 + counter++).toString().slice(-4)}`;
const fetchTicket = async (id: string) => (await s.api.get<Ticket>(`/tickets/${id}`)).body.data;
const reply = (id: string, body: string, extra: Record<string, unknown> = {}) =>
  s.api.post<{ id: string; createdAt: string }>(`/tickets/${id}/messages`, { body, ...extra });
const searchIds = async (word: string) =>
  (await s.api.get<Ticket[]>(`/tickets?search=${word}`)).body.data.map((t) => t.id);
const keyWith = async (scopes: string[]) => (await buildKey(s.api, scopes)).key;

function expectError(res: ApiResponse, status: number, code: string, paths?: string[]): void {
  expect(res.status, res.text).toBe(status);
  expect(res.body.data).toBeNull();
  expect(res.body.error?.code).toBe(code);
  if (paths) expect(res.body.error?.details?.errors?.map((e) => e.path).sort()).toEqual(paths);
}

describe('POST /api/v1/tickets/bulk', () => {
  const bulk = (body: unknown, key?: string) =>
    s.api.post<{ updated: number; notFound: string[] }>('/tickets/bulk', body, key ? { key } : {});

  it('changes several fields on many tickets and lists unknown ids in request order', async () => {
    const me = (await s.api.get<{ id: string }>('/users/me')).body.data;
    const [a, b, c] = [await buildTicket(s.api, { priority: 'low' }), await buildTicket(s.api), await buildTicket(s.api)];
    const [x, y] = [missingId(), missingId()];
    s.clock.advanceMinutes(10);
    const res = await bulk({
      ids: [a.id, x, b.id, a.id, c.id, y, x],
      set: { status: 'resolved', priority: 'urgent', assignedTo: me.id, addTags: ['VIP', 'billing'] },
    });
    expect(res.status, res.text).toBe(200);
    expect(res.body.data).toEqual({ updated: 3, notFound: [x, y] });
    const now = s.clock.now().toISOString();
    for (const t of [a, b, c]) {
      const got = await fetchTicket(t.id);
      expect(got).toMatchObject({ status: 'resolved', resolvedAt: now, priority: 'urgent', assignedTo: me.id, updatedAt: now });
      expect(got.tags).toEqual(['billing', 'vip']);
      expect(Date.parse(got.sla.firstResponseDueAt) - Date.parse(t.createdAt)).toBe(60 * 60_000);
      expect(Date.parse(got.sla.resolutionDueAt) - Date.parse(t.createdAt)).toBe(240 * 60_000);
    }
  });

  it('adds and removes tags, and unassigns with null', async () => {
    const me = (await s.api.get<{ id: string }>('/users/me')).body.data;
    const t = await buildTicket(s.api, { assignedTo: me.id });
    await s.api.patch(`/tickets/${t.id}`, { tags: ['alpha', 'beta'] });
    const res = await bulk({ ids: [t.id], set: { addTags: ['gamma'], removeTags: ['alpha', 'nope'], assignedTo: null } });
    expect(res.body.data).toEqual({ updated: 1, notFound: [] });
    expect(await fetchTicket(t.id)).toMatchObject({ tags: ['beta', 'gamma'], assignedTo: null });
  });

  it('reports only notFound when no id matches', async () => {
    const id = missingId();
    expect((await bulk({ ids: [id], set: { status: 'pending' } })).body.data).toEqual({ updated: 0, notFound: [id] });
  });

  it('rejects too many ids, an empty set, unknown fields and bad values', async () => {
    const t = await buildTicket(s.api);
    const many = Array.from({ length: 501 }, (_, i) => `tkt_${i}`);
    expectError(await bulk({ ids: many, set: { status: 'open' } }), 400, 'BAD_REQUEST', ['ids']);
    expectError(await bulk({ ids: [], set: { status: 'open' } }), 400, 'BAD_REQUEST', ['ids']);
    const empty = await bulk({ ids: [t.id], set: {} });
    expectError(empty, 400, 'BAD_REQUEST', ['set']);
    expect(empty.body.error?.message).toContain('at least one field');
    expectError(await bulk({ ids: [t.id] }), 400, 'BAD_REQUEST', ['set']);
    const unknown = await bulk({ ids: [t.id], set: { subject: 'x', status: 'done' }, dryRun: true });
    expectError(unknown, 400, 'BAD_REQUEST', ['dryRun', 'set.status', 'set.subject']);
    const both = await bulk({ ids: [t.id], set: { addTags: ['a'], removeTags: ['a'] } });
    expectError(both, 400, 'BAD_REQUEST', ['set.removeTags']);
    expect((await fetchTicket(t.id)).updatedAt).toBe(t.updatedAt);
  });

  it('is all or nothing: an inactive assignee fails the request and changes no ticket', async () => {
    const user = await buildUser(s.api);
    expect((await s.api.patch(`/users/${user.id}`, { active: false })).status).toBe(200);
    const [a, b] = [await buildTicket(s.api), await buildTicket(s.api)];
    s.clock.advanceMinutes(1);
    const res = await bulk({ ids: [a.id, b.id], set: { status: 'pending', addTags: ['x1'], assignedTo: user.id } });
    expectError(res, 400, 'BAD_REQUEST', ['set.assignedTo']);
    expect(res.body.error?.message).toContain('deactivated');
    for (const t of [a, b]) {
      expect(await fetchTicket(t.id)).toMatchObject({ status: 'open', assignedTo: null, tags: [], updatedAt: t.updatedAt });
    }
  });

  it('needs tickets:write', async () => {
    const t = await buildTicket(s.api);
    const res = await bulk({ ids: [t.id], set: { status: 'pending' } }, await keyWith(['tickets:read']));
    expectError(res, 403, 'FORBIDDEN');
    expect(res.body.error?.details).toMatchObject({ required: 'tickets:write' });
    expect((await fetchTicket(t.id)).status).toBe('open');
  });
});

describe('POST /api/v1/tickets/:id/merge', () => {
  const merge = (id: string, sourceIds: string[]) => s.api.post<Ticket>(`/tickets/${id}/merge`, { sourceIds });

  it('moves the sources’ messages into the target and closes the sources with a note', async () => {
    const word = `wombat${unique()}`;
    const target = await buildTicket(s.api);
    await s.api.patch(`/tickets/${target.id}`, { tags: ['shared', 'mine'] });
    s.clock.advanceMinutes(1);
    const one = await buildTicket(s.api);
    await s.api.patch(`/tickets/${one.id}`, { tags: ['shared', 'theirs'] });
    s.clock.advanceMinutes(1);
    const note = (await reply(one.id, 'internal thought', { internal: true })).body.data;
    s.clock.advanceMinutes(1);
    const answer = (await reply(one.id, `Try the ${word} setting`)).body.data;
    s.clock.advanceMinutes(1);
    await reply(target.id, 'Customer follow-up', { sender: 'customer' });
    s.clock.advanceMinutes(1);
    const two = await buildTicket(s.api);
    await s.api.patch(`/tickets/${two.id}`, { status: 'closed' });
    const twoResolvedAt = s.clock.now().toISOString();
    expect(await searchIds(word)).toEqual([one.id]);

    s.clock.advanceMinutes(30);
    const res = await merge(target.id, [one.id, two.id, one.id]);
    expect(res.status, res.text).toBe(200);
    const now = s.clock.now().toISOString();
    const merged = res.body.data;
    expect(merged).toMatchObject({ id: target.id, status: 'open', firstResponseAt: answer.createdAt, updatedAt: now });
    expect(merged.tags).toEqual(['mine', 'shared', 'theirs']);
    const thread = merged.messages ?? [];
    expect(thread.map((m) => m.createdAt)).toEqual([...thread.map((m) => m.createdAt)].sort());
    expect(thread).toHaveLength(6);
    expect(thread.find((m) => m.id === note.id)).toMatchObject({ internal: true, createdAt: note.createdAt });
    expect(thread.find((m) => m.id === answer.id)).toMatchObject({ sender: 'agent', createdAt: answer.createdAt });
    expect(thread.filter((m) => m.sender === 'system')).toEqual([]);
    expect(await fetchTicket(target.id)).toMatchObject({ messages: thread, tags: merged.tags });

    for (const source of [one, two]) {
      const got = await fetchTicket(source.id);
      expect(got.status).toBe('closed');
      expect(got.messages?.map((m) => [m.body, m.sender, m.authorId, m.internal, m.createdAt])).toEqual([
        [`Merged into ${target.id}`, 'system', null, false, now],
      ]);
    }
    expect((await fetchTicket(one.id)).resolvedAt).toBe(now);
    expect((await fetchTicket(two.id)).resolvedAt).toBe(twoResolvedAt);
    expect(await searchIds(word)).toEqual([target.id]);
    expect(await searchIds(`Merged ${target.id}`)).toEqual([two.id, one.id]);
  });

  it('keeps the earliest first response of the target and the moved agent replies', async () => {
    const target = await buildTicket(s.api);
    const late = await buildTicket(s.api);
    const early = await buildTicket(s.api);
    s.clock.advanceMinutes(1);
    const earliest = (await reply(early.id, 'first')).body.data.createdAt;
    s.clock.advanceMinutes(1);
    const own = (await reply(target.id, 'ours')).body.data.createdAt;
    s.clock.advanceMinutes(1);
    await reply(late.id, 'later');
    expect((await merge(target.id, [late.id])).body.data.firstResponseAt).toBe(own);
    expect((await merge(target.id, [early.id])).body.data.firstResponseAt).toBe(earliest);
    const quiet = await buildTicket(s.api);
    const customerOnly = await buildTicket(s.api);
    await reply(customerOnly.id, 'hello?', { sender: 'customer' });
    expect((await merge(quiet.id, [customerOnly.id])).body.data.firstResponseAt).toBeNull();
  });

  it('refuses a self-merge, a closed target, unknown sources and an unknown target', async () => {
    const target = await buildTicket(s.api);
    const source = await buildTicket(s.api);
    s.clock.advanceMinutes(1);
    const self = await merge(target.id, [source.id, target.id]);
    expectError(self, 400, 'BAD_REQUEST', ['sourceIds']);
    expect(self.body.error?.message).toContain('cannot merge a ticket into itself');

    const [x, y] = [missingId(), missingId()];
    expectError(await merge(target.id, [source.id, x, y, x]), 400, 'BAD_REQUEST', ['sourceIds.1', 'sourceIds.2']);
    expectError(await merge(missingId(), [source.id]), 404, 'NOT_FOUND');
    expectError(await merge(target.id, []), 400, 'BAD_REQUEST', ['sourceIds']);
    expectError(await s.api.post(`/tickets/${target.id}/merge`, { sourceIds: [source.id], into: 'x' }), 400, 'BAD_REQUEST', ['into']);
    const forbidden = await s.api.post(`/tickets/${target.id}/merge`, { sourceIds: [source.id] }, { key: await keyWith(['tickets:read']) });
    expectError(forbidden, 403, 'FORBIDDEN');

    const closed = await buildTicket(s.api);
    await s.api.patch(`/tickets/${closed.id}`, { status: 'closed' });
    expectError(await merge(closed.id, [source.id]), 409, 'CONFLICT');

    for (const t of [target, source]) {
      const got = await fetchTicket(t.id);
      expect(got).toMatchObject({ status: 'open', updatedAt: t.updatedAt });
      expect(got.messages).toHaveLength(1);
    }
  });
});

describe('DELETE /api/v1/tickets/:id', () => {
  it('removes the ticket, its messages, tags and search entry; its conversation stays', async () => {
    const word = `quokka${unique()}`;
    const conv = await s.api.post<{ id: string }>('/conversations', {
      channel: 'email',
      participantEmail: `del-${unique()}@example.com`,
      subject: `About ${word}`,
      body: `My ${word} broke`,
    });
    const t = (await s.api.post<Ticket>(`/conversations/${conv.body.data.id}/ticket`)).body.data;
    await reply(t.id, `More on ${word}`);
    await s.api.patch(`/tickets/${t.id}`, { tags: ['doomed'] });
    expect(await searchIds(word)).toEqual([t.id]);
    const { seq } = await s.db.selectFrom('tickets').select('seq').where('id', '=', t.id).executeTakeFirstOrThrow();

    expectError(await s.api.delete(`/tickets/${t.id}`, { key: await keyWith(['tickets:write']) }), 403, 'FORBIDDEN');
    const res = await s.api.delete(`/tickets/${t.id}`);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expectError(await s.api.get(`/tickets/${t.id}`), 404, 'NOT_FOUND');
    const left = await s.db.selectFrom('messages').select('id').where('ticket_id', '=', t.id).execute();
    expect(left).toEqual([]);
    const links = await s.db.selectFrom('ticket_tags').select('tag_id').where('ticket_id', '=', t.id).execute();
    expect(links).toEqual([]);
    const fts = await s.db.selectFrom('ticket_fts').select('rowid').where('rowid', '=', seq).execute();
    expect(fts).toEqual([]);
    expect(await searchIds(word)).toEqual([]);
    const after = await s.api.get<{ ticketId: string | null; messages: unknown[] }>(`/conversations/${conv.body.data.id}`);
    expect(after.body.data.ticketId).toBeNull();
    expect(after.body.data.messages).toHaveLength(1);
    expectError(await s.api.delete(`/tickets/${t.id}`), 404, 'NOT_FOUND');
  });
});
