// Two LocalDesk servers on one PostgreSQL database, as behind a load balancer: every request may
// land on either, and both run the background workers. What one node writes, the other streams;
// each webhook delivery and each workflow run happens once; a key's rate limit is the install's.
import { type IncomingHttpHeaders, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKey, buildTicket, type TicketData } from '../helpers/factories.ts';
import { type ApiClient, type TestServer, apiClient, startTestServer } from '../helpers/server.ts';
import { openSse } from '../helpers/sse.ts';

const fast = { webhookPollMs: 20, webhookBackoffBaseMs: 50, webhookTimeoutMs: 5000 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Maybe<T> = T | null | undefined | false;
async function waitFor<T>(fn: () => Promise<Maybe<T>> | Maybe<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('waitFor: timed out');
    await sleep(25);
  }
}

interface Received {
  headers: IncomingHttpHeaders;
  body: { id: string; type: string; data: { ticket?: { id: string } } };
}

async function startReceiver(): Promise<{ url: string; got: Received[]; close(): Promise<void> }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, body: JSON.parse(Buffer.concat(chunks).toString()) as Received['body'] });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    got,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

let a: TestServer;
let b: TestServer;
/** Node B with node A's admin key: one install, two doors. */
let bApi: ApiClient;

beforeAll(async () => {
  a = await startTestServer({ config: fast });
  if (!a.databaseUrl) throw new Error('these tests need PostgreSQL');
  b = await startTestServer({ config: fast, databaseUrl: a.databaseUrl, clock: a.clock });
  bApi = apiClient(b.url, a.adminKey);
});

afterAll(async () => {
  await b?.close();
  await a?.close();
});

/** Alternates between the two nodes, as a round-robin load balancer would. */
const either = (i: number) => (i % 2 === 0 ? a.api : bApi);

describe('two nodes on one database', () => {
  it('streams on node B a ticket created through node A', async () => {
    const stream = await openSse(`${b.url}/api/v1/events/stream`, { 'X-API-Key': a.adminKey });
    try {
      expect(stream.status).toBe(200);
      const ticket = await buildTicket(a.api, { subject: 'Made on A, seen on B' });
      const seen = await waitFor(() =>
        stream.messages.find((m) => m.event === 'ticket.created' && m.data?.includes(ticket.id)),
      );
      expect(JSON.parse(seen.data ?? '{}')).toMatchObject({ type: 'ticket.created', resourceId: ticket.id });
    } finally {
      stream.close();
    }
  });

  it('delivers each webhook event exactly once while both nodes run the delivery worker', async () => {
    const receiver = await startReceiver();
    try {
      const hook = await a.api.post<{ id: string }>('/webhooks', { url: receiver.url, events: ['ticket.created'] });
      expect(hook.status).toBe(201);
      const tickets = await Promise.all(
        Array.from({ length: 24 }, (_, i) => buildTicket(either(i), { subject: `Hooked ${i}` })),
      );
      await waitFor(() => receiver.got.length >= tickets.length);
      await sleep(500); // time for a duplicate to show up, had either node sent one
      expect(receiver.got).toHaveLength(tickets.length);
      const received = receiver.got.map((r) => r.body.data.ticket?.id).sort();
      expect(received).toEqual(tickets.map((t) => t.id).sort());
      expect(new Set(receiver.got.map((r) => r.headers['localdesk-delivery'])).size).toBe(tickets.length);
      // Both nodes report the same one attempt per delivery.
      for (const api of [a.api, bApi]) {
        const list = await api.get<{ status: string; attempts: unknown[] }[]>(`/webhooks/${hook.body.data.id}/deliveries?limit=100`);
        expect(list.body.data.map((d) => [d.status, d.attempts.length])).toEqual(tickets.map(() => ['succeeded', 1]));
      }
      await a.api.patch(`/webhooks/${hook.body.data.id}`, { active: false });
    } finally {
      await receiver.close();
    }
  });

  it('runs a workflow once per event while both nodes run the engine', async () => {
    const wf = await a.api.post<{ id: string }>('/workflows', {
      name: 'Tag new',
      trigger: 'ticket.created',
      conditions: [{ field: 'ticket.subject', op: 'contains', value: 'Flow' }],
      actions: [{ type: 'add_tag', value: 'triaged' }],
    });
    expect(wf.status).toBe(201);
    const tickets = await Promise.all(Array.from({ length: 12 }, (_, i) => buildTicket(either(i), { subject: `Flow ${i}` })));
    await waitFor(async () => (await a.api.get<{ runCount: number }>(`/workflows/${wf.body.data.id}`)).body.data.runCount >= 12);
    await sleep(500);
    expect((await bApi.get<{ runCount: number }>(`/workflows/${wf.body.data.id}`)).body.data.runCount).toBe(12);
    for (const ticket of tickets) {
      const updates = await a.api.get<unknown[]>(`/events?resourceId=${ticket.id}&type=ticket.updated`);
      expect(updates.body.meta?.total, ticket.id).toBe(1);
      expect((await bApi.get<TicketData & { tags: string[] }>(`/tickets/${ticket.id}`)).body.data.tags).toEqual(['triaged']);
    }
    await a.api.patch(`/workflows/${wf.body.data.id}`, { active: false });
  });

  it('holds a key to 100 requests a minute across both nodes', async () => {
    const { key } = await buildKey(a.api, ['tickets:read'], { rateLimitPerMinute: 100 });
    const results = [];
    // In waves of ten at once, alternating nodes, well past the limit.
    for (let wave = 0; wave < 15; wave++) {
      results.push(
        ...(await Promise.all(Array.from({ length: 10 }, (_, i) => either(i).get('/tickets?limit=1', { key })))),
      );
    }
    const allowed = results.filter((r) => r.status === 200);
    const limited = results.filter((r) => r.status === 429);
    expect(allowed.length + limited.length).toBe(150);
    expect(allowed).toHaveLength(100);
    expect(limited[0]?.headers.get('retry-after')).toMatch(/^\d+$/);
    const remaining = allowed.map((r) => Number(r.headers.get('x-ratelimit-remaining'))).sort((x, y) => x - y);
    expect(remaining).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });
});

describe('races between nodes', () => {
  it('lets one of two PATCHes with the same If-Match through, and refuses the other with 412', async () => {
    const ticket = await buildTicket(a.api);
    const etag = (await a.api.get(`/tickets/${ticket.id}`)).headers.get('etag') ?? '';
    for (let round = 0; round < 5; round++) {
      const current = round === 0 ? etag : ((await a.api.get(`/tickets/${ticket.id}`)).headers.get('etag') ?? '');
      const [one, two] = await Promise.all([
        a.api.patch(`/tickets/${ticket.id}`, { subject: `A ${round}` }, { headers: { 'If-Match': current } }),
        bApi.patch(`/tickets/${ticket.id}`, { subject: `B ${round}` }, { headers: { 'If-Match': current } }),
      ]);
      expect([one.status, two.status].sort()).toEqual([200, 412]);
    }
  });

  it('replays one Idempotency-Key sent to both nodes at once: one ticket, the same answer twice', async () => {
    const body = { subject: 'Once only', description: 'sent twice', contactEmail: 'once@example.com' };
    const headers = { 'Idempotency-Key': `race-${Date.now()}` };
    const [one, two] = await Promise.all([
      a.api.post<TicketData>('/tickets', body, { headers }),
      bApi.post<TicketData>('/tickets', body, { headers }),
    ]);
    expect([one.status, two.status]).toEqual([201, 201]);
    expect(one.body.data.id).toBe(two.body.data.id);
    const found = await a.api.get<TicketData[]>('/tickets?search=Once%20only');
    expect(found.body.data).toHaveLength(1);
  });

  it('applies bulk edits of overlapping tickets from both nodes, each all or nothing', async () => {
    const tickets = await Promise.all(Array.from({ length: 10 }, () => buildTicket(a.api)));
    const ids = tickets.map((t) => t.id);
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        either(i).post<{ updated: number }>('/tickets/bulk', {
          ids: i % 2 === 0 ? ids : [...ids].reverse(),
          set: { priority: i % 2 === 0 ? 'high' : 'low', addTags: [`wave-${i}`] },
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(results.map(() => 200));
    const after = await Promise.all(ids.map(async (id) => (await bApi.get<TicketData & { tags: string[] }>(`/tickets/${id}`)).body.data));
    // Whatever the order they ran in, one of them ran last for every ticket alike.
    expect(new Set(after.map((t) => t.priority)).size).toBe(1);
    for (const t of after) expect(t.tags).toEqual(['wave-0', 'wave-1', 'wave-2', 'wave-3', 'wave-4', 'wave-5']);
  });

  it('numbers tickets made on both nodes at once without a gap or a repeat', async () => {
    const made = await Promise.all(Array.from({ length: 20 }, (_, i) => buildTicket(either(i))));
    const numbers = made.map((t) => t.number).sort((x, y) => x - y);
    const first = numbers[0] ?? 0;
    expect(numbers).toEqual(numbers.map((_, i) => first + i));
  });

  it('gives the feed reader every event once, in commit order, while both nodes write', async () => {
    const start = (await a.api.get<{ id: string }[]>('/events?sortOrder=desc&limit=1')).body.data[0]?.id;
    const seen: string[] = [];
    let cursor = start;
    let writing = true;
    const writes = Promise.all(Array.from({ length: 30 }, (_, i) => buildTicket(either(i)))).finally(() => {
      writing = false;
    });
    // Page with `after` while the writes commit, as a sync client does.
    while (writing || cursor !== (await a.api.get<{ id: string }[]>('/events?sortOrder=desc&limit=1')).body.data[0]?.id) {
      const page = await either(seen.length).get<{ id: string }[]>(`/events?after=${cursor}&limit=100&sortOrder=asc`);
      for (const event of page.body.data) seen.push(event.id);
      cursor = page.body.data.at(-1)?.id ?? cursor;
      await sleep(5);
    }
    await writes;
    const all = (await bApi.get<{ id: string }[]>(`/events?after=${start}&limit=100&sortOrder=asc`)).body.data.map((e) => e.id);
    expect(all.length).toBeGreaterThanOrEqual(90); // contact, ticket and first message per ticket
    expect(seen).toEqual(all);
  });
});
