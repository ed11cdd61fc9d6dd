// The change feed shows a key only what the key could read through the resources themselves:
// GET /events, its meta.total, GET /events/:id and the live stream agree.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKey, buildTicket, buildUser } from '../helpers/factories.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';
import { openSse } from '../helpers/sse.ts';

interface EventData {
  id: string;
  type: string;
  resourceType: string;
  resourceId: string | null;
  data: Record<string, unknown>;
}

let s: TestServer;
let agentId: string;
/** Keys of one agent, by what they hold besides events:read. */
const keys: Record<'feedOnly' | 'tickets' | 'conversations' | 'contacts', string> = {
  feedOnly: '',
  tickets: '',
  conversations: '',
  contacts: '',
};
let ticketId = '';
let conversationId = '';
let adminKeyId = '';

beforeAll(async () => {
  s = await startTestServer({ config: { sseHeartbeatMs: 50 } });
  agentId = (await buildUser(s.api, { name: 'Agent Smith' })).id;
  keys.feedOnly = (await buildKey(s.api, ['events:read'], { userId: agentId })).key;
  keys.tickets = (await buildKey(s.api, ['events:read', 'tickets:read'], { userId: agentId })).key;
  keys.conversations = (await buildKey(s.api, ['events:read', 'conversations:read'], { userId: agentId })).key;
  keys.contacts = (await buildKey(s.api, ['events:read', 'contacts:read'], { userId: agentId })).key;
  adminKeyId = (await buildKey(s.api, ['admin'], { name: 'the secret ops key' })).id;

  const ticket = await buildTicket(s.api, { description: 'Secret description', contactEmail: 'vip@customer.example' });
  ticketId = ticket.id;
  await s.api.post(`/tickets/${ticketId}/messages`, { body: 'Internal: customer owes us money', internal: true });
  const conversation = await s.api.post<{ id: string }>('/conversations', {
    channel: 'chat',
    participantEmail: 'chatter@customer.example',
    subject: 'Chat',
    body: 'Hello from chat',
  });
  conversationId = conversation.body.data.id;
  await s.api.post('/tags', { name: 'visible-tag' });
  await s.api.post('/events', { type: 'custom.deploy', data: { version: 3 } });
});
afterAll(async () => {
  await s.close();
});

async function feed(key: string): Promise<{ events: EventData[]; total: number }> {
  const res = await s.api.get<EventData[]>('/events?limit=100', { key });
  expect(res.status).toBe(200);
  return { events: res.body.data, total: res.body.meta?.total ?? -1 };
}

const families = (events: EventData[]) => [...new Set(events.map((e) => e.type))].sort();

describe('GET /api/v1/events with events:read alone', () => {
  it('shows configuration, custom events and its own keys, never tickets, messages, conversations or contacts', async () => {
    const { events, total } = await feed(keys.feedOnly);
    const types = families(events);
    expect(types).toEqual(expect.arrayContaining(['api_key.created', 'tag.created', 'user.created', 'custom.deploy']));
    for (const type of types) expect(type).not.toMatch(/^(ticket|message|conversation|contact)\./);
    expect(JSON.stringify(events)).not.toContain('Secret description');
    expect(JSON.stringify(events)).not.toContain('customer owes us money');
    expect(JSON.stringify(events)).not.toContain('vip@customer.example');
    // Other users' keys are not this key's business.
    const keyEvents = events.filter((e) => e.resourceType === 'api_key');
    expect(keyEvents.map((e) => (e.data.apiKey as { userId: string }).userId)).toEqual(keyEvents.map(() => agentId));
    expect(JSON.stringify(events)).not.toContain('the secret ops key');
    expect(keyEvents.some((e) => e.resourceId === adminKeyId)).toBe(false);
    expect(total).toBe(events.length);
  });

  it('is not found on a single event it may not read, and filters keep the rule', async () => {
    const all = await feed(s.adminKey);
    const ticketEvent = all.events.find((e) => e.type === 'ticket.created');
    expect((await s.api.get(`/events/${ticketEvent?.id}`, { key: s.adminKey })).status).toBe(200);
    expect((await s.api.get(`/events/${ticketEvent?.id}`, { key: keys.feedOnly })).status).toBe(404);
    const byResource = await s.api.get<EventData[]>(`/events?resourceId=${ticketId}`, { key: keys.feedOnly });
    expect(byResource.body.data).toEqual([]);
    expect(byResource.body.meta?.total).toBe(0);
    const byType = await s.api.get<EventData[]>('/events?type=message.created', { key: keys.feedOnly });
    expect(byType.body.meta?.total).toBe(0);
  });
});

describe('events by the scope of their resource', () => {
  it('tickets:read sees ticket events and ticket messages, internal notes included, and nothing of conversations or contacts', async () => {
    const { events, total } = await feed(keys.tickets);
    const types = families(events);
    expect(types).toEqual(expect.arrayContaining(['ticket.created', 'message.created']));
    expect(types.some((t) => t.startsWith('conversation.') || t.startsWith('contact.'))).toBe(false);
    const messages = events.filter((e) => e.type === 'message.created');
    expect(messages.every((e) => e.data.ticketId === ticketId)).toBe(true);
    expect(JSON.stringify(messages)).toContain('customer owes us money');
    expect(total).toBe(events.length);
  });

  it('conversations:read sees conversation events and their messages only', async () => {
    const { events } = await feed(keys.conversations);
    const types = families(events);
    expect(types).toEqual(expect.arrayContaining(['conversation.created', 'message.created']));
    expect(types.some((t) => t.startsWith('ticket.') || t.startsWith('contact.'))).toBe(false);
    const messages = events.filter((e) => e.type === 'message.created');
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.every((e) => e.data.conversationId === conversationId)).toBe(true);
  });

  it('contacts:read sees contact events', async () => {
    const types = families((await feed(keys.contacts)).events);
    expect(types).toContain('contact.created');
    expect(types.some((t) => t.startsWith('ticket.') || t.startsWith('message.') || t.startsWith('conversation.'))).toBe(false);
  });

  it('shows a saved view’s events only to its owner (and admins)', async () => {
    const owner = await buildUser(s.api, { name: 'View Owner' });
    const ownerKey = (await buildKey(s.api, ['events:read', 'tickets:read'], { userId: owner.id })).key;
    const view = await s.api.post<{ id: string }>('/views', { name: 'Mine only' }, { key: ownerKey });
    expect(view.status).toBe(201);
    await s.api.patch(`/views/${view.body.data.id}`, { name: 'Still mine' }, { key: ownerKey });
    const mine = (await feed(ownerKey)).events.filter((e) => e.resourceId === view.body.data.id);
    expect(mine.map((e) => e.type)).toEqual(['view.created', 'view.updated']);
    const theirs = await s.api.get<EventData[]>(`/events?resourceId=${view.body.data.id}`, { key: keys.tickets });
    expect(theirs.body.data).toEqual([]);
    expect(theirs.body.meta?.total).toBe(0);
    const one = await s.api.get(`/events/${mine[0]?.id}`, { key: keys.tickets });
    expect(one.status).toBe(404);
    expect((await feed(s.adminKey)).events.some((e) => e.resourceId === view.body.data.id)).toBe(true);
  });

  it('admin sees everything', async () => {
    const all = await feed(s.adminKey);
    expect(families(all.events)).toEqual(
      expect.arrayContaining(['ticket.created', 'message.created', 'conversation.created', 'contact.created', 'api_key.created']),
    );
    expect(all.events.some((e) => e.resourceId === adminKeyId)).toBe(true);
  });
});

describe('GET /api/v1/events/stream', () => {
  it('sends a key only the events it may read, live and when resuming', async () => {
    const before = (await s.api.get<EventData[]>('/events?sortOrder=desc&limit=1')).body.data[0]?.id ?? '';
    const live = await openSse(`${s.url}/api/v1/events/stream`, { 'X-API-Key': keys.feedOnly });
    await buildTicket(s.api, { description: 'Streamed secret' });
    await s.api.post('/events', { type: 'custom.after_ticket' });
    const [first] = await live.waitFor(1);
    expect(first?.event).toBe('custom.after_ticket');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(live.messages.map((m) => m.event)).toEqual(['custom.after_ticket']);
    live.close();

    const resumed = await openSse(`${s.url}/api/v1/events/stream`, { 'X-API-Key': keys.tickets, 'Last-Event-ID': before });
    const got = await resumed.waitFor(3);
    // contact.created came between them: not for a key without contacts:read.
    expect(got.map((m) => m.event)).toEqual(['ticket.created', 'message.created', 'custom.after_ticket']);
    resumed.close();
  });
});
