// Conversations are assignable like tickets: PATCH { assignedTo }, the assignedTo filter, the
// field on every conversation, and conversation.updated naming the change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildUser } from '../helpers/factories.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';

interface ConversationData {
  id: string;
  assignedTo: string | null;
  updatedAt: string;
}

let s: TestServer;
let agentId: string;
beforeAll(async () => {
  s = await startTestServer();
  agentId = (await buildUser(s.api, { name: 'Assignee' })).id;
});
afterAll(async () => {
  await s.close();
});

let counter = 0;
async function conversation(): Promise<ConversationData> {
  const res = await s.api.post<ConversationData>('/conversations', {
    channel: 'chat',
    participantEmail: `chat${counter++}@example.com`,
    subject: 'Where is my order?',
    body: 'It has been a week.',
  });
  expect(res.status).toBe(201);
  return res.body.data;
}

describe('PATCH /api/v1/conversations/:id { assignedTo }', () => {
  it('assigns and unassigns, recording conversation.updated with the change', async () => {
    const c = await conversation();
    expect(c.assignedTo).toBeNull();
    s.clock.advanceMinutes(1);
    const assigned = await s.api.patch<ConversationData>(`/conversations/${c.id}`, { assignedTo: agentId });
    expect(assigned.status).toBe(200);
    expect(assigned.body.data.assignedTo).toBe(agentId);
    expect(assigned.body.data.updatedAt).not.toBe(c.updatedAt);
    expect((await s.api.get<ConversationData>(`/conversations/${c.id}`)).body.data.assignedTo).toBe(agentId);
    const events = await s.api.get<{ data: { changes: string[]; conversation: ConversationData } }[]>(
      `/events?resourceId=${c.id}&type=conversation.updated`,
    );
    expect(events.body.data.map((e) => e.data.changes)).toEqual([['assignedTo']]);
    expect(events.body.data[0]?.data.conversation.assignedTo).toBe(agentId);

    const unassigned = await s.api.patch<ConversationData>(`/conversations/${c.id}`, { assignedTo: null });
    expect(unassigned.body.data.assignedTo).toBeNull();
    // Assigning to whom it already is changes nothing and records nothing.
    await s.api.patch(`/conversations/${c.id}`, { assignedTo: null });
    expect((await s.api.get(`/events?resourceId=${c.id}&type=conversation.updated`)).body.meta?.total).toBe(2);
  });

  it('refuses an unknown or deactivated user with 400 on assignedTo', async () => {
    const c = await conversation();
    const unknown = await s.api.patch(`/conversations/${c.id}`, { assignedTo: 'usr_01ARZ3NDEKTSV4RRFFQ69G5FAV' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error?.details?.errors?.[0]).toMatchObject({ path: 'assignedTo', message: expect.stringMatching(/no user/) });
    const gone = await buildUser(s.api);
    await s.api.patch(`/users/${gone.id}`, { active: false });
    const deactivated = await s.api.patch(`/conversations/${c.id}`, { assignedTo: gone.id });
    expect(deactivated.status).toBe(400);
    expect(deactivated.body.error?.details?.errors?.[0]?.message).toMatch(/deactivated/);
    expect((await s.api.patch(`/conversations/${c.id}`, { assignedTo: '' })).status).toBe(400);
  });
});

describe('GET /api/v1/conversations?assignedTo=', () => {
  it('filters by assignee, and none for unassigned', async () => {
    const mine = await conversation();
    const other = await conversation();
    await s.api.patch(`/conversations/${mine.id}`, { assignedTo: agentId });
    const byAgent = await s.api.get<ConversationData[]>(`/conversations?assignedTo=${agentId}&limit=100`);
    expect(byAgent.body.data.map((c) => c.id)).toContain(mine.id);
    expect(byAgent.body.data.every((c) => c.assignedTo === agentId)).toBe(true);
    expect(byAgent.body.meta?.total).toBe(byAgent.body.data.length);
    const none = await s.api.get<ConversationData[]>('/conversations?assignedTo=none&limit=100&sortBy=lastMessageAt');
    expect(none.body.data.map((c) => c.id)).toContain(other.id);
    expect(none.body.data.some((c) => c.assignedTo !== null)).toBe(false);
  });

  it('is documented in the OpenAPI document', async () => {
    const doc = (await s.api.get<never>('/openapi.json', { key: null })).body as unknown as {
      paths: Record<string, Record<string, { parameters?: { name: string }[]; requestBody?: { content: { 'application/json': { schema: { properties: Record<string, unknown> } } } } }>>;
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    };
    expect(doc.paths['/api/v1/conversations']?.get?.parameters?.map((p) => p.name)).toContain('assignedTo');
    expect(Object.keys(doc.paths['/api/v1/conversations/{id}']?.patch?.requestBody?.content['application/json'].schema.properties ?? {})).toContain('assignedTo');
    expect(Object.keys(doc.components.schemas.Conversation?.properties ?? {})).toContain('assignedTo');
  });
});
