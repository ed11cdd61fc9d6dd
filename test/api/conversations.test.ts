import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKey, buildTicket, type TicketData } from '../helpers/factories.ts';
import { type ApiResponse, type TestServer, startTestServer } from '../helpers/server.ts';

interface MessageData {
  id: string;
  conversationId?: string;
  ticketId?: string;
  body: string;
  sender: string;
  authorId: string | null;
  internal: boolean;
  createdAt: string;
}

interface ConversationData {
  id: string;
  channel: string;
  status: string;
  subject: string;
  participantEmail: string;
  contactId: string;
  ticketId: string | null;
  messageCount: number;
  lastMessageAt: string;
  createdAt: string;
  updatedAt: string;
  messages?: MessageData[];
}

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;

async function buildConversation(
  overrides: Record<string, unknown> = {},
): Promise<ConversationData> {
  const res = await s.api.post<ConversationData>('/conversations', {
    channel: 'chat',
    participantEmail: `visitor-${unique()}@example.com`,
    subject: `Question ${unique()}`,
    body: 'Hello, is anyone there?',
    ...overrides,
  });
  if (res.status !== 201) throw new Error(`buildConversation: ${res.status} ${res.text}`);
  return res.body.data;
}

const say = (id: string, body: string, sender?: string) =>
  s.api.post<MessageData>(`/conversations/${id}/messages`, { body, ...(sender ? { sender } : {}) });
const patch = (id: string, body: unknown) =>
  s.api.patch<ConversationData>(`/conversations/${id}`, body);
const fetchConversation = async (id: string) =>
  (await s.api.get<ConversationData>(`/conversations/${id}`)).body.data;
const lastSeenAt = async (contactId: string) =>
  (await s.db
    .selectFrom('contacts')
    .select('last_seen_at')
    .where('id', '=', contactId)
    .executeTakeFirstOrThrow()).last_seen_at;

/** A key with only these scopes, made through POST /api-keys with the admin key. */
const keyWith = async (scopes: string[]) => (await buildKey(s.api, scopes)).key;

const ids = (res: ApiResponse<ConversationData[]>) => res.body.data.map((c) => c.id);

function expectError(res: ApiResponse, status: number, code: string, paths?: string[]): void {
  expect(res.status).toBe(status);
  expect(res.body.data).toBeNull();
  expect(res.body.error?.code).toBe(code);
  if (paths) expect(res.body.error?.details?.errors?.map((e) => e.path).sort()).toEqual(paths);
}

describe('POST /api/v1/conversations', () => {
  it('creates an active conversation whose body is the first customer message', async () => {
    const res = await s.api.post<ConversationData>('/conversations', {
      channel: 'email',
      participantEmail: ' Ada@Example.COM ',
      subject: '  Invoice question ',
      body: 'Why was I billed twice?',
    });
    expect(res.status).toBe(201);
    const c = res.body.data;
    const now = s.clock.now().toISOString();
    expect(c.id).toMatch(/^conv_[0-9A-Z]{26}$/);
    expect(c).toMatchObject({
      channel: 'email',
      status: 'active',
      subject: 'Invoice question',
      participantEmail: 'ada@example.com',
      ticketId: null,
      messageCount: 1,
      lastMessageAt: now,
      createdAt: now,
      updatedAt: now,
    });
    expect(c.contactId).toMatch(/^ctc_/);
    expect(c).not.toHaveProperty('messages');
    const got = await s.api.get<ConversationData>(`/conversations/${c.id}`);
    expect(got.status).toBe(200);
    expect(got.body.data.messages).toEqual([
      expect.objectContaining({
        conversationId: c.id,
        body: 'Why was I billed twice?',
        sender: 'customer',
        authorId: c.contactId,
        internal: false,
        createdAt: now,
      }),
    ]);
  });

  it('links the existing contact with the same email, case-insensitively', async () => {
    const email = `Mia-${unique()}@Example.org`;
    const ticket = await buildTicket(s.api, { contactEmail: email });
    const c = await buildConversation({ participantEmail: email.toUpperCase() });
    expect(c.contactId).toBe(ticket.contactId);
  });

  it('lists every missing field', async () => {
    expectError(await s.api.post('/conversations', {}), 400, 'BAD_REQUEST', [
      'body',
      'channel',
      'participantEmail',
      'subject',
    ]);
  });

  it('rejects a bad channel, an invalid email, blank text and unknown fields', async () => {
    const base = { channel: 'chat', participantEmail: 'a@b.co', subject: 'Hi', body: 'Hello' };
    const post = (fields: Record<string, unknown>) =>
      s.api.post('/conversations', { ...base, ...fields });
    const bad = 'BAD_REQUEST';
    expectError(await post({ channel: 'fax' }), 400, bad, ['channel']);
    expectError(await post({ participantEmail: 'not-an-email' }), 400, bad, ['participantEmail']);
    expectError(await post({ subject: '   ' }), 400, bad, ['subject']);
    expectError(await post({ id: 'conv_x', status: 'archived' }), 400, bad, ['id', 'status']);
  });
});

describe('GET /api/v1/conversations', () => {
  it('filters by channel, status (comma lists too) and contactId', async () => {
    const email = `filter-${unique()}@example.com`;
    const chat = await buildConversation({ participantEmail: email, channel: 'chat' });
    const widget = await buildConversation({ participantEmail: email, channel: 'widget' });
    const mail = await buildConversation({ participantEmail: email, channel: 'email' });
    await patch(mail.id, { status: 'archived' });
    const list = (q: string) =>
      s.api.get<ConversationData[]>(
        `/conversations?contactId=${chat.contactId}&sortOrder=asc&${q}`,
      );

    expect(ids(await list(''))).toEqual([chat.id, widget.id, mail.id]);
    expect(ids(await list('channel=widget'))).toEqual([widget.id]);
    expect(ids(await list('channel=chat,email'))).toEqual([chat.id, mail.id]);
    expect(ids(await list('status=archived'))).toEqual([mail.id]);
    expect(ids(await list('status=active,archived&channel=email'))).toEqual([mail.id]);
    const all = await s.api.get<ConversationData[]>('/conversations?channel=widget');
    expect(all.body.data.every((c) => c.channel === 'widget')).toBe(true);
    expect(ids(all)).toContain(widget.id);
  });

  it('searches the subject and every message body, also ones added later', async () => {
    const word = `quokka${unique()}`;
    const c = await buildConversation({ subject: 'Login trouble' });
    const search = (q: string) =>
      s.api.get<ConversationData[]>(`/conversations?search=${encodeURIComponent(q)}`);
    expect((await search(word)).body.meta?.total).toBe(0);
    expect((await say(c.id, `My ${word} account is locked`)).status).toBe(201);
    const hit = await search(`${word.toUpperCase()} locked`);
    expect(ids(hit)).toEqual([c.id]);
    expect(hit.body.meta?.total).toBe(1);
    expect(ids(await search(`${word} nothingmatches`))).toEqual([]);
    expect((await search('" OR *')).status).toBe(200);
  });

  it('sorts by createdAt by default and by lastMessageAt on request', async () => {
    const email = `sort-${unique()}@example.com`;
    const older = await buildConversation({ participantEmail: email });
    s.clock.advanceMinutes(5);
    const newer = await buildConversation({ participantEmail: email });
    s.clock.advanceMinutes(5);
    await say(older.id, 'Still waiting');
    const base = `/conversations?contactId=${older.contactId}`;
    expect(ids(await s.api.get(base))).toEqual([newer.id, older.id]);
    expect(ids(await s.api.get(`${base}&sortBy=lastMessageAt`))).toEqual([older.id, newer.id]);
    expect(ids(await s.api.get(`${base}&sortBy=lastMessageAt&sortOrder=asc`))).toEqual([
      newer.id,
      older.id,
    ]);
  });

  it('pages through tied timestamps without overlap, in both directions', async () => {
    const email = `page-${unique()}@example.com`;
    const made: string[] = [];
    let contactId = '';
    for (let i = 0; i < 5; i++) {
      const c = await buildConversation({ participantEmail: email });
      made.push(c.id);
      contactId = c.contactId;
    }
    for (const [order, expected] of [['asc', made], ['desc', [...made].reverse()]] as const) {
      for (const sortBy of ['createdAt', 'lastMessageAt']) {
        const seen: string[] = [];
        for (let offset = 0; offset < 6; offset += 2) {
          const res = await s.api.get<ConversationData[]>(
            `/conversations?contactId=${contactId}&sortBy=${sortBy}&sortOrder=${order}` +
              `&limit=2&offset=${offset}`,
          );
          expect(res.status).toBe(200);
          expect(res.body.meta).toEqual({ total: 5, limit: 2, offset });
          seen.push(...ids(res));
        }
        expect(seen).toEqual(expected);
      }
    }
  });

  it('rejects bad filters and list parameters with 400', async () => {
    const list = (q: string) => s.api.get(`/conversations?${q}`);
    expectError(await list('channel=fax'), 400, 'BAD_REQUEST', ['channel']);
    expectError(await list('status=active,closed'), 400, 'BAD_REQUEST', ['status']);
    expectError(await list('sortBy=subject'), 400, 'BAD_REQUEST', ['sortBy']);
    expectError(await list('limit=101'), 400, 'BAD_REQUEST', ['limit']);
    expectError(await list('offset=-1'), 400, 'BAD_REQUEST', ['offset']);
    expectError(await list('bogus=1'), 400, 'BAD_REQUEST', ['bogus']);
  });
});

describe('PATCH /api/v1/conversations/:id', () => {
  it('archives and renames; the new subject is searchable, the old one is not', async () => {
    const [oldWord, newWord] = [`wombat${unique()}`, `numbat${unique()}`];
    const c = await buildConversation({ subject: `About ${oldWord}` });
    s.clock.advanceMinutes(3);
    const res = await patch(c.id, { status: 'archived', subject: ` About ${newWord} ` });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      status: 'archived',
      subject: `About ${newWord}`,
      updatedAt: s.clock.now().toISOString(),
      lastMessageAt: c.lastMessageAt,
    });
    expect(ids(await s.api.get(`/conversations?search=${newWord}`))).toEqual([c.id]);
    expect(ids(await s.api.get(`/conversations?search=${oldWord}`))).toEqual([]);
  });

  it('rejects an empty body, an unknown field and a bad status', async () => {
    const c = await buildConversation();
    const empty = await patch(c.id, {});
    expectError(empty, 400, 'BAD_REQUEST', ['']);
    expect(empty.body.error?.message).toMatch(/at least one field/);
    expectError(await patch(c.id, { channel: 'email' }), 400, 'BAD_REQUEST', ['channel']);
    expectError(await patch(c.id, { status: 'open' }), 400, 'BAD_REQUEST', ['status']);
    expectError(await patch(c.id, { subject: '' }), 400, 'BAD_REQUEST', ['subject']);
  });
});

describe('POST /api/v1/conversations/:id/messages', () => {
  it('moves lastMessageAt; customer messages reactivate and mark the contact seen', async () => {
    const c = await buildConversation();
    await patch(c.id, { status: 'archived' });
    const admin = await s.db.selectFrom('users').select('id').executeTakeFirstOrThrow();
    expect(await lastSeenAt(c.contactId)).toBe(c.createdAt);

    s.clock.advanceMinutes(10);
    const agent = await say(c.id, 'We are looking into it.', 'agent');
    const agentAt = s.clock.now().toISOString();
    expect(agent.status).toBe(201);
    expect(agent.body.data).toMatchObject({ sender: 'agent', authorId: admin.id });
    expect(agent.body.data.createdAt).toBe(agentAt);
    let got = await fetchConversation(c.id);
    expect(got).toMatchObject({ status: 'archived', messageCount: 2, lastMessageAt: agentAt });
    expect(await lastSeenAt(c.contactId)).toBe(c.createdAt);

    s.clock.advanceMinutes(10);
    const customer = await say(c.id, 'Thanks!');
    const at = s.clock.now().toISOString();
    expect(customer.status).toBe(201);
    expect(customer.body.data).toMatchObject({ sender: 'customer', authorId: c.contactId });
    expect(customer.body.data.conversationId).toBe(c.id);
    got = await fetchConversation(c.id);
    expect(got).toMatchObject({ status: 'active', messageCount: 3, lastMessageAt: at });
    expect(got.updatedAt).toBe(at);
    expect(got.messages?.map((m) => m.body)).toEqual([
      'Hello, is anyone there?',
      'We are looking into it.',
      'Thanks!',
    ]);
    expect(await lastSeenAt(c.contactId)).toBe(at);
  });

  it('rejects a bad sender, an empty body and unknown fields', async () => {
    const c = await buildConversation();
    expectError(await say(c.id, 'hi', 'system'), 400, 'BAD_REQUEST', ['sender']);
    expectError(await say(c.id, '  '), 400, 'BAD_REQUEST', ['body']);
    const res = await s.api.post(`/conversations/${c.id}/messages`, { body: 'x', internal: true });
    expectError(res, 400, 'BAD_REQUEST', ['internal']);
  });
});

describe('POST /api/v1/conversations/:id/ticket', () => {
  it('turns the conversation into a ticket with its whole thread', async () => {
    const word = `pangolin${unique()}`;
    const created = s.clock.now().toISOString();
    const c = await buildConversation({ subject: 'Refund please', body: 'I want a refund.' });
    s.clock.advanceMinutes(2);
    const reply = (await say(c.id, 'Which order?', 'agent')).body.data;
    s.clock.advanceMinutes(2);
    const later = (await say(c.id, `Order ${word}`)).body.data;
    s.clock.advanceMinutes(30);

    const res = await s.api.post<TicketData & { conversationId: string }>(
      `/conversations/${c.id}/ticket`,
      { priority: 'high' },
    );
    expect(res.status).toBe(201);
    const t = res.body.data;
    expect(t).toMatchObject({
      subject: 'Refund please',
      description: 'I want a refund.',
      status: 'open',
      priority: 'high',
      contactId: c.contactId,
      conversationId: c.id,
      firstResponseAt: reply.createdAt,
      createdAt: s.clock.now().toISOString(),
    });
    const thread = (await s.api.get<TicketData>(`/tickets/${t.id}`)).body.data.messages ?? [];
    expect(thread.map((m) => [m.body, m.sender, m.authorId, m.internal, m.createdAt])).toEqual([
      ['I want a refund.', 'customer', c.contactId, false, created],
      ['Which order?', 'agent', reply.authorId, false, reply.createdAt],
      [`Order ${word}`, 'customer', c.contactId, false, later.createdAt],
    ]);
    expect(thread.every((m) => m.id.startsWith('msg_'))).toBe(true);
    const conv = await fetchConversation(c.id);
    expect(conv.ticketId).toBe(t.id);
    expect(conv.messages?.map((m) => m.id)).not.toContain(thread[0]?.id);
    const found = await s.api.get<TicketData[]>(`/tickets?search=${word}`);
    expect(found.body.data.map((x) => x.id)).toEqual([t.id]);

    const again = await s.api.post(`/conversations/${c.id}/ticket`);
    expectError(again, 409, 'CONFLICT');
    expect(again.body.error?.details).toEqual({ ticketId: t.id });
  });

  it('defaults to medium priority with no first response when no agent replied', async () => {
    const c = await buildConversation();
    const res = await s.api.post<TicketData>(`/conversations/${c.id}/ticket`);
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ priority: 'medium', firstResponseAt: null });
    const other = await buildConversation();
    const url = `/conversations/${other.id}/ticket`;
    expectError(await s.api.post(url, { priority: 'asap' }), 400, 'BAD_REQUEST', ['priority']);
    expectError(await s.api.post(url, { projectId: 'prj_x' }), 400, 'BAD_REQUEST', ['projectId']);
    expect((await fetchConversation(other.id)).ticketId).toBeNull();
  });

  it('needs tickets:write as well as conversations:write', async () => {
    const key = await keyWith(['conversations:read', 'conversations:write']);
    const c = await buildConversation();
    const res = await s.api.post(`/conversations/${c.id}/ticket`, {}, { key });
    expectError(res, 403, 'FORBIDDEN');
    expect(res.body.error?.details).toMatchObject({ required: 'tickets:write' });
    const after = await s.api.get<ConversationData>(`/conversations/${c.id}`, { key });
    expect(after.body.data.ticketId).toBeNull();
  });
});

describe('conversation scopes', () => {
  it('needs conversations:read to read and conversations:write to write', async () => {
    const reader = await keyWith(['conversations:read']);
    const tickets = await keyWith(['tickets:read', 'tickets:write']);
    const c = await buildConversation();
    expect((await s.api.get(`/conversations/${c.id}`, { key: reader })).status).toBe(200);
    const write = await s.api.post('/conversations', { body: 'x' }, { key: reader });
    expectError(write, 403, 'FORBIDDEN');
    expect(write.body.error?.details).toMatchObject({ required: 'conversations:write' });
    const read = await s.api.get('/conversations', { key: tickets });
    expectError(read, 403, 'FORBIDDEN');
    expect(read.body.error?.details).toMatchObject({ required: 'conversations:read' });
    expectError(await s.api.get('/conversations', { key: null }), 401, 'UNAUTHORIZED');
  });
});

describe('unknown conversations', () => {
  it.each([
    ['a well-formed id', 'conv_01JQ0000000000000000000000'],
    ['an injection attempt', "' OR 1=1"],
    ['a 500-character id', 'x'.repeat(500)],
  ])('is a 404 for %s', async (_label, raw) => {
    const id = encodeURIComponent(raw);
    for (const res of [
      await s.api.get(`/conversations/${id}`),
      await s.api.patch(`/conversations/${id}`, { status: 'archived' }),
      await s.api.post(`/conversations/${id}/messages`, { body: 'hi' }),
      await s.api.post(`/conversations/${id}/ticket`),
    ]) {
      expectError(res, 404, 'NOT_FOUND');
      expect(res.body.error?.message).toBe(`conversation ${raw} not found`);
    }
  });
});
