import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKey, buildTicket } from '../helpers/factories.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';
import { openSse } from '../helpers/sse.ts';
import { failInserts } from '../helpers/dbFaults.ts';

interface EventData {
  id: string;
  type: string;
  resourceType: string;
  resourceId: string | null;
  actor: { type: string; id: string | null; userId: string | null };
  data: Record<string, unknown>;
  createdAt: string;
}

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ config: { sseHeartbeatMs: 50, maxEventStreamsPerKey: 100 } });
});
afterAll(async () => {
  await s.close();
});

const eventsOf = async (query: string) => (await s.api.get<EventData[]>(`/events${query}`)).body;

describe('events are written with their change', () => {
  it('name the user a change was made for: the key’s user, and nobody for the system', async () => {
    const agent = await s.api.post<{ id: string }>('/users', { name: 'Eve Actor', email: 'eve-actor@example.com', role: 'agent' });
    const key = await s.api.post<{ key: string }>('/api-keys', { name: 'eve', scopes: ['tickets:write'], userId: agent.body.data.id });
    const t = await s.api.post<{ id: string }>(
      '/tickets',
      { subject: 'Made for Eve', description: 'x', contactEmail: 'eve-customer@example.com' },
      { key: key.body.data.key },
    );
    const [created] = (await eventsOf(`?resourceId=${t.body.data.id}`)).data;
    expect(created?.actor).toMatchObject({ type: 'apiKey', userId: agent.body.data.id });
    const [boot] = (await eventsOf('?type=api_key.created&sortOrder=asc&limit=1')).data;
    expect(boot?.actor).toEqual({ type: 'system', id: null, userId: null });
  });

  it('records ticket.created, contact.created and message.created with the API key as actor', async () => {
    const me = await s.api.get<{ id: string }>('/users/me');
    const keyId = (await s.db.selectFrom('api_keys').select('id').where('user_id', '=', me.body.data.id).executeTakeFirstOrThrow()).id;
    const t = await buildTicket(s.api, { contactEmail: 'events-new@example.com' });
    const created = await eventsOf(`?resourceId=${t.id}`);
    expect(created.data.map((e) => e.type)).toEqual(['ticket.created']);
    expect(created.data[0]).toMatchObject({
      resourceType: 'ticket',
      actor: { type: 'apiKey', id: keyId },
      data: { ticket: { id: t.id, status: 'open' } },
    });
    const contact = await eventsOf(`?resourceId=${t.contactId}`);
    expect(contact.data.map((e) => e.type)).toEqual(['contact.created']);
    const messages = await eventsOf('?type=message.created');
    expect(messages.data.some((e) => (e.data as { ticketId?: string }).ticketId === t.id)).toBe(true);
  });

  it('records ticket.updated with the fields that changed', async () => {
    const t = await buildTicket(s.api);
    await s.api.patch(`/tickets/${t.id}`, { priority: 'urgent' });
    const updated = await eventsOf(`?resourceId=${t.id}&type=ticket.updated`);
    expect(updated.data).toHaveLength(1);
    expect(updated.data[0]?.data.changes).toEqual(['priority', 'sla']);
    // A PATCH that changes nothing records nothing and leaves updatedAt and the ETag alone.
    const before = await s.api.get<{ updatedAt: string }>(`/tickets/${t.id}`);
    s.clock.advanceMinutes(1);
    await s.api.patch(`/tickets/${t.id}`, { priority: 'urgent' });
    expect((await eventsOf(`?resourceId=${t.id}&type=ticket.updated`)).data).toHaveLength(1);
    const after = await s.api.get<{ updatedAt: string }>(`/tickets/${t.id}`);
    expect(after.body.data.updatedAt).toBe(before.body.data.updatedAt);
    expect(after.headers.get('etag')).toBe(before.headers.get('etag'));
  });

  it('records no event for a change that was rolled back', async () => {
    const before = (await eventsOf('?limit=1')).meta?.total;
    const res = await s.api.post('/tickets', {
      subject: 'x',
      description: 'y',
      contactEmail: 'rolled-back@example.com',
      assignedTo: 'usr_01ARZ3NDEKTSV4RRFFQ69G5FAV',
    });
    expect(res.status).toBe(400);
    expect((await eventsOf('?limit=1')).meta?.total).toBe(before);
  });

  it('writes no change without its event: a failing event write rolls the change back', async () => {
    const broken = await startTestServer();
    try {
      await failInserts(broken.db, { name: 'no_events', table: 'events' });
      const res = await broken.api.post('/tickets', { subject: 'x', description: 'y', contactEmail: 'a@b.co' });
      expect(res.status).toBe(500);
      expect((await broken.api.get('/tickets')).body.meta?.total).toBe(0);
      expect((await broken.api.get('/contacts')).body.meta?.total).toBe(0);
    } finally {
      await broken.close();
    }
  });
});

describe('GET /api/v1/events', () => {
  it('pages with the after cursor: every event once, in order, while writes continue', async () => {
    const start = await eventsOf('?sortOrder=desc&limit=1');
    let cursor = start.data[0]?.id ?? '';
    const seen: string[] = [];
    const created: string[] = [];
    for (let round = 0; round < 4; round++) {
      const t = await buildTicket(s.api, { contactEmail: 'cursor@example.com' });
      created.push(t.id);
      const page = await eventsOf(`?after=${cursor}&limit=2&type=ticket.created`);
      for (const e of page.data) seen.push(e.resourceId ?? '');
      cursor = page.data.at(-1)?.id ?? cursor;
    }
    for (;;) {
      const page = await eventsOf(`?after=${cursor}&limit=2&type=ticket.created`);
      if (page.data.length === 0) break;
      for (const e of page.data) seen.push(e.resourceId ?? '');
      cursor = page.data.at(-1)?.id ?? cursor;
    }
    expect(seen).toEqual(created);
  });

  it('filters by type family and resource, and rejects bad cursors and types', async () => {
    const family = await eventsOf('?type=ticket.*&limit=100');
    expect(family.data.every((e) => e.type.startsWith('ticket.'))).toBe(true);
    const bad = await s.api.get('/events?after=evt_01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(bad.status).toBe(400);
    expect(bad.body.error?.details?.errors?.[0]?.path).toBe('after');
    expect((await s.api.get('/events?type=Not A Type')).status).toBe(400);
    expect((await s.api.get('/events/evt_01ARZ3NDEKTSV4RRFFQ69G5FAV')).status).toBe(404);
  });

  it('gets one event by id', async () => {
    const first = (await eventsOf('?limit=1')).data[0];
    const one = await s.api.get<EventData>(`/events/${first?.id}`);
    expect(one.body.data).toEqual(first);
  });

  it('needs events:read', async () => {
    const { key } = await buildKey(s.api, ['tickets:read']);
    const res = await s.api.get('/events', { key });
    expect(res.status).toBe(403);
  });
});

describe('POST /api/v1/events', () => {
  it('publishes custom.* events and refuses other types', async () => {
    const res = await s.api.post<EventData>('/events', { type: 'custom.order_paid', data: { orderId: 42 } });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ type: 'custom.order_paid', resourceType: 'custom', data: { orderId: 42 } });
    const bad = await s.api.post('/events', { type: 'ticket.created', data: {} });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.details?.errors?.[0]?.path).toBe('type');
    const { key } = await buildKey(s.api, ['events:read']);
    expect((await s.api.post('/events', { type: 'custom.x' }, { key })).status).toBe(403);
  });
});

describe('GET /api/v1/events/stream', () => {
  const stream = (headers: Record<string, string> = {}, query = '') =>
    openSse(`${s.url}/api/v1/events/stream${query}`, { 'X-API-Key': s.adminKey, ...headers });

  it('streams new events live, with heartbeats', async () => {
    const client = await stream();
    expect(client.status).toBe(200);
    expect(client.contentType).toMatch(/^text\/event-stream/);
    const t = await buildTicket(s.api);
    const got = await client.waitFor(1);
    expect(got[0]?.event).toMatch(/^(contact|ticket)\.created$/);
    const all = await client.waitFor(3);
    const ticketEvent = all.find((m) => m.event === 'ticket.created');
    expect(JSON.parse(ticketEvent?.data ?? '{}')).toMatchObject({ resourceId: t.id });
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(client.comments).toContain('heartbeat');
    client.close();
  });

  it('resumes from Last-Event-ID without losing or repeating an event', async () => {
    const first = await stream({}, '?type=ticket.created');
    const a = await buildTicket(s.api);
    await first.waitFor(1);
    first.close();
    const lastId = first.messages.at(-1)?.id ?? '';
    // Written while nobody listens.
    const b = await buildTicket(s.api);
    const c = await buildTicket(s.api);
    const second = await stream({ 'Last-Event-ID': lastId }, '?type=ticket.created');
    // The backlog arrives on its own, before anything new is written...
    await second.waitFor(2);
    // ...and live events continue after it.
    const d = await buildTicket(s.api);
    const got = await second.waitFor(3);
    const ids = got.map((m) => (JSON.parse(m.data ?? '{}') as EventData).resourceId);
    expect(ids).toEqual([b.id, c.id, d.id]);
    expect(JSON.parse(first.messages[0]?.data ?? '{}').resourceId).toBe(a.id);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(second.messages).toHaveLength(3);
    second.close();
  });

  it('serves many open streams with one write reaching all of them', async () => {
    const clients = await Promise.all(Array.from({ length: 40 }, () => stream({}, '?type=ticket.created')));
    const t = await buildTicket(s.api);
    for (const client of clients) {
      const [message] = await client.waitFor(1);
      expect(JSON.parse(message?.data ?? '{}').resourceId).toBe(t.id);
      client.close();
    }
  });

  it('rejects an unknown Last-Event-ID and a key without events:read', async () => {
    const res = await s.api.get('/events/stream', { headers: { 'Last-Event-ID': 'evt_nope' } });
    expect(res.status).toBe(400);
    const { key } = await buildKey(s.api, ['tickets:read']);
    expect((await s.api.get('/events/stream', { key })).status).toBe(403);
  });

  it('ends open streams when the server shuts down', async () => {
    const own = await startTestServer();
    const client = await openSse(`${own.url}/api/v1/events/stream`, { 'X-API-Key': own.adminKey });
    await own.close();
    await client.closed;
  });
});
