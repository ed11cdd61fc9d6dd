// The read pool (LOCALDESK_READ_WORKERS): worker threads with read-only connections serve the
// ticket list, a ticket with its thread and /search. Over real HTTP: the reads are the pool's (its
// counter in /metrics moves), every write a client saw acknowledged is in the next read, and
// the answers are byte for byte what the main thread answers (the same server restarted on the
// same folder without the pool), ETag, 304, 404 and 400 included.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildKey, buildTicket } from '../helpers/factories.ts';
import { TestClock } from '../helpers/clock.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';

async function pooled(s: TestServer): Promise<Record<string, number>> {
  const res = await s.api.get('/metrics', { key: null });
  expect(res.status).toBe(200);
  const counts: Record<string, number> = {};
  for (const [, op, n] of res.text.matchAll(/^localdesk_read_pool_requests_total\{op="(\w+)"\} (\d+)$/gm)) counts[op!] = Number(n);
  return counts;
}

interface Thread {
  id: string;
  status: string;
  messages: { body: string }[];
  sla: { breached: boolean };
}

describe('the read pool', () => {
  let s: TestServer;
  const clock = new TestClock();
  beforeAll(async () => void (s = await startTestServer({ clock, config: { readWorkers: 2 } })));
  afterAll(async () => s.close());

  it('serves the ticket list and a ticket with its thread', async () => {
    const ticket = await buildTicket(s.api);
    const before = await pooled(s);
    const one = await s.api.get<Thread>(`/tickets/${ticket.id}`);
    expect(one.status).toBe(200);
    expect(one.body.data.id).toBe(ticket.id);
    const list = await s.api.get<Thread[]>('/tickets?limit=5');
    expect(list.status).toBe(200);
    expect(list.body.data.map((t) => t.id)).toContain(ticket.id);
    expect(list.body.meta?.total).toBeGreaterThanOrEqual(1);
    const found = await s.api.get<{ tickets: { hits: { id: string }[] } }>(`/search?q=${encodeURIComponent(ticket.subject)}`);
    expect(found.status).toBe(200);
    expect(found.body.data.tickets.hits.map((h) => h.id)).toContain(ticket.id);
    const after = await pooled(s);
    expect((after.ticket ?? 0) - (before.ticket ?? 0)).toBe(1);
    expect((after.tickets ?? 0) - (before.tickets ?? 0)).toBe(1);
    expect((after.search ?? 0) - (before.search ?? 0)).toBe(1);
  });

  it('shows every acknowledged write in the next read, at once', async () => {
    const ticket = await buildTicket(s.api);
    for (let i = 0; i < 25; i++) {
      const reply = await s.api.post(`/tickets/${ticket.id}/messages`, { body: `reply ${i}`, sender: 'agent' });
      expect(reply.status).toBe(201);
      const read = await s.api.get<Thread>(`/tickets/${ticket.id}`);
      expect(read.body.data.messages.map((m) => m.body)).toContain(`reply ${i}`);
      const status = i % 2 === 0 ? 'pending' : 'open';
      expect((await s.api.patch(`/tickets/${ticket.id}`, { status })).status).toBe(200);
      const listed = await s.api.get<Thread[]>(`/tickets?status=${status}&limit=100`);
      expect(listed.body.data.find((t) => t.id === ticket.id)?.status).toBe(status);
    }
  });

  it('answers If-None-Match with 304 until a write changes the ticket', async () => {
    const ticket = await buildTicket(s.api);
    const first = await s.api.get(`/tickets/${ticket.id}`);
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^".+"$/);
    const again = await s.api.get(`/tickets/${ticket.id}`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
    await s.api.post(`/tickets/${ticket.id}/messages`, { body: 'news', sender: 'agent' });
    const changed = await s.api.get(`/tickets/${ticket.id}`, { headers: { 'if-none-match': etag } });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('judges the SLA by the server clock, not the worker thread’s', async () => {
    const ticket = await buildTicket(s.api, { priority: 'urgent' });
    expect((await s.api.get<Thread>(`/tickets/${ticket.id}`)).body.data.sla.breached).toBe(false);
    clock.advanceDays(30);
    expect((await s.api.get<Thread>(`/tickets/${ticket.id}`)).body.data.sla.breached).toBe(true);
    const listed = await s.api.get<Thread[]>('/tickets?limit=100');
    expect(listed.body.data.find((t) => t.id === ticket.id)?.sla.breached).toBe(true);
  });

  it('answers a missing ticket with 404 and a bad query with 400, as without the pool', async () => {
    const missing = await s.api.get('/tickets/tkt_01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expect(missing.status).toBe(404);
    expect(missing.body.error?.code).toBe('NOT_FOUND');
    const bad = await s.api.get('/tickets?limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.error?.code).toBe('BAD_REQUEST');
  });

  it('still asks for a key and a scope', async () => {
    const ticket = await buildTicket(s.api);
    expect((await s.api.get(`/tickets/${ticket.id}`, { key: null })).status).toBe(401);
    const weak = await buildKey(s.api, ['contacts:read']);
    const denied = await s.api.get(`/tickets/${ticket.id}`, { key: weak.key });
    expect(denied.status).toBe(403);
  });
});

describe('the read pool against the main thread', () => {
  it('sends the same bytes and ETags as a server without the pool on the same data', async () => {
    const clock = new TestClock();
    // A folder of the test's own: both servers open it in turn.
    const dataDir = mkdtempSync(join(tmpdir(), 'localdesk-pool-'));
    const withPool = await startTestServer({ clock, dataDir, config: { readWorkers: 1 } });
    const tickets = [];
    for (let i = 0; i < 3; i++) tickets.push(await buildTicket(withPool.api, { priority: 'high' }));
    await withPool.api.post(`/tickets/${tickets[0]!.id}/messages`, { body: 'a reply', sender: 'agent' });
    const paths = [
      ...tickets.map((t) => `/tickets/${t.id}`),
      '/tickets?limit=2',
      '/tickets?status=open&sortBy=priority',
      '/tickets?search=printer',
      '/search?q=print',
      '/search?q=fire&types=tickets',
    ];
    const read = async (server: TestServer) =>
      Promise.all(paths.map(async (path) => {
        const res = await server.api.get(path);
        return { status: res.status, etag: res.headers.get('etag'), text: res.text };
      }));
    const pooledAnswers = await read(withPool);
    expect((await pooled(withPool)).tickets).toBeGreaterThan(0);
    await withPool.close();
    const plain = await startTestServer({ clock, dataDir });
    try {
      expect(await pooled(plain)).toEqual({});
      expect(await read(plain)).toEqual(pooledAnswers);
    } finally {
      await plain.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
