import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { type IncomingHttpHeaders, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestClock } from '../helpers/clock.ts';
import { buildKey, buildTicket } from '../helpers/factories.ts';
import { type ApiClient, type TestServer, startTestServer } from '../helpers/server.ts';

interface Webhook { id: string; url: string; events: string[]; active: boolean; createdAt: string; updatedAt: string }
interface Attempt { attempt: number; statusCode: number | null; error: string | null; durationMs: number }
interface Delivery { id: string; eventId: string; eventType: string; status: string; attempts: Attempt[]; nextAttemptAt: string | null }
interface Received { headers: IncomingHttpHeaders; raw: Buffer; clockSeconds: number }
interface Receiver { url: string; got: Received[]; close(): Promise<void> }

// Short polls and backoff; the timeout is generous because the first fetch() of a process loads
// undici, which on a busy machine can take longer than a short timeout (the hang test sets its own).
const fast = { webhookPollMs: 20, webhookBackoffBaseMs: 50, webhookTimeoutMs: 2000 };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `fn` every 20 ms until it returns something truthy; `step` runs between polls. */
type Maybe<T> = T | null | undefined | false;
async function waitFor<T>(fn: () => Promise<Maybe<T>> | Maybe<T>, timeoutMs = 5000, step?: () => void): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('waitFor: timed out');
    step?.();
    await sleep(20);
  }
}

/** Moves the server's clock 10 s per poll, past any backoff of the test config (≤ 4.8 s). */
const driveUntil = <T>(clock: TestClock, fn: () => Promise<Maybe<T>> | Maybe<T>, timeoutMs = 8000) =>
  waitFor(fn, timeoutMs, () => clock.set(new Date(clock.now().getTime() + 10_000).toISOString()));

/** A real HTTP receiver on loopback; `reply(n)` gives the status of the n-th request, or hangs. */
async function startReceiver(clock: TestClock, reply: (n: number) => number | 'hang' = () => 200): Promise<Receiver> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, raw: Buffer.concat(chunks), clockSeconds: clock.now().getTime() / 1000 });
      const answer = reply(got.length);
      if (answer !== 'hang') res.writeHead(answer).end('ok');
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

function verifySignature(secret: string, r: Received, nowSeconds: number): void {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(String(r.headers['localdesk-signature']));
  expect(match).not.toBeNull();
  const t = Number(match?.[1]);
  expect(Math.abs(nowSeconds - t)).toBeLessThanOrEqual(300);
  const expected = createHmac('sha256', secret).update(`${t}.`).update(r.raw).digest();
  expect(timingSafeEqual(expected, Buffer.from(match?.[2] ?? '', 'hex'))).toBe(true);
}

async function createHook(api: ApiClient, body: Record<string, unknown>): Promise<Webhook & { secret: string }> {
  const res = await api.post<Webhook & { secret: string }>('/webhooks', body);
  if (res.status !== 201) throw new Error(`createHook: ${res.status} ${res.text}`);
  return res.body.data;
}

async function deliveries(api: ApiClient, hookId: string): Promise<Delivery[]> {
  return (await api.get<Delivery[]>(`/webhooks/${hookId}/deliveries?limit=100`)).body.data;
}

const settled = (api: ApiClient, hookId: string, status: string) => async () => {
  const list = await deliveries(api, hookId);
  return list.length > 0 && list.every((d) => d.status === status) ? list : null;
};

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ config: fast });
});
afterAll(async () => {
  await s.close();
});

describe('webhook deliveries', () => {
  it('retries a failing receiver with the same delivery id and valid signatures until it succeeds', async () => {
    const rx = await startReceiver(s.clock, (n) => (n <= 2 ? 500 : 204));
    const hook = await createHook(s.api, { url: rx.url, events: ['ticket.created'] });
    try {
      const ticket = await buildTicket(s.api);
      const [delivery] = await driveUntil(s.clock, settled(s.api, hook.id, 'succeeded'));
      expect(rx.got).toHaveLength(3);
      const ids = new Set(rx.got.map((r) => r.headers['localdesk-delivery']));
      expect([...ids]).toEqual([delivery?.id]);
      expect(delivery?.id).toMatch(/^dlv_[0-9A-Z]{26}$/);
      for (const r of rx.got) {
        verifySignature(hook.secret, r, r.clockSeconds);
        expect(r.raw.equals(rx.got[0]?.raw ?? Buffer.alloc(0))).toBe(true);
        expect(r.headers['content-type']).toBe('application/json');
        expect(r.headers['localdesk-event']).toBe('ticket.created');
        expect(r.headers['user-agent']).toMatch(/^LocalDesk-Webhooks\/\d+\.\d+\.\d+/);
      }
      const event = JSON.parse(rx.got[0]?.raw.toString('utf8') ?? '') as { id: string; type: string; resourceId: string };
      expect(event).toMatchObject({ type: 'ticket.created', resourceId: ticket.id });
      expect(delivery).toMatchObject({ eventId: event.id, eventType: 'ticket.created', nextAttemptAt: null });
      expect(delivery?.attempts.map((a) => [a.attempt, a.statusCode, a.error])).toEqual([
        [1, 500, null],
        [2, 500, null],
        [3, 204, null],
      ]);
      for (const a of delivery?.attempts ?? []) expect(Number.isInteger(a.durationMs) && a.durationMs >= 0).toBe(true);
    } finally {
      await s.api.delete(`/webhooks/${hook.id}`);
      await rx.close();
    }
  });

  it('marks a delivery failed after 8 failed attempts and tries no more', async () => {
    const rx = await startReceiver(s.clock, () => 503);
    const hook = await createHook(s.api, { url: rx.url, events: ['ticket.created'] });
    try {
      await buildTicket(s.api);
      const [delivery] = await driveUntil(s.clock, settled(s.api, hook.id, 'failed'));
      expect(delivery?.attempts.map((a) => a.statusCode)).toEqual(Array(8).fill(503));
      expect(delivery?.nextAttemptAt).toBeNull();
      s.clock.set(new Date(s.clock.now().getTime() + 3_600_000).toISOString());
      await sleep(100); // several poll intervals: nothing more is sent
      expect(rx.got).toHaveLength(8);
    } finally {
      await s.api.delete(`/webhooks/${hook.id}`);
      await rx.close();
    }
  });

  it('sends only matching event types, and nothing to an inactive webhook', async () => {
    const tickets = await startReceiver(s.clock);
    const all = await startReceiver(s.clock);
    const paused = await startReceiver(s.clock);
    const hooks = [
      await createHook(s.api, { url: tickets.url, events: ['ticket.*'] }),
      await createHook(s.api, { url: all.url, events: ['*'] }),
      await createHook(s.api, { url: paused.url, events: ['*'], active: false }),
    ];
    try {
      await buildTicket(s.api); // contact.created, ticket.created, message.created
      await s.api.post('/events', { type: 'custom.ping', data: {} });
      const types = (rx: Receiver) => rx.got.map((r) => r.headers['localdesk-event']).sort();
      await waitFor(() => all.got.length >= 4 && tickets.got.length >= 1);
      expect(types(all)).toEqual(['contact.created', 'custom.ping', 'message.created', 'ticket.created']);
      expect(types(tickets)).toEqual(['ticket.created']);
      expect((await deliveries(s.api, hooks[0]?.id ?? '')).map((d) => d.eventType)).toEqual(['ticket.created']);
      expect(paused.got).toHaveLength(0);
      expect(await deliveries(s.api, hooks[2]?.id ?? '')).toEqual([]);
    } finally {
      for (const hook of hooks) await s.api.delete(`/webhooks/${hook.id}`);
      for (const rx of [tickets, all, paused]) await rx.close();
    }
  });

  it('times out a receiver that never answers and retries it, while the API and other webhooks go on', async () => {
    const t = await startTestServer({ config: { ...fast, webhookTimeoutMs: 1500, webhookMaxAttempts: 2 } });
    const dead = await startReceiver(t.clock, () => 'hang');
    const healthy = await startReceiver(t.clock);
    try {
      const hook = await createHook(t.api, { url: dead.url, events: ['*'] });
      await createHook(t.api, { url: healthy.url, events: ['ticket.created'] });
      await t.api.post('/events', { type: 'custom.one', data: {} });
      await t.api.post('/events', { type: 'custom.two', data: {} });
      await waitFor(() => dead.got.length === 2);
      // Both attempts hang now; three more deliveries for the dead receiver queue behind them.
      const started = Date.now();
      await buildTicket(t.api);
      expect((await t.api.get('/tickets')).status).toBe(200);
      expect(Date.now() - started).toBeLessThan(750);
      await waitFor(() => healthy.got.length === 1, 750); // the dead one holds only 2 of 4 slots
      expect(dead.got).toHaveLength(2);
      expect((await deliveries(t.api, hook.id)).every((d) => d.attempts.length === 0)).toBe(true);

      const failed = await driveUntil(t.clock, async () =>
        (await deliveries(t.api, hook.id)).find((d) => d.status === 'failed'),
      );
      expect(dead.got.filter((r) => r.headers['localdesk-delivery'] === failed.id)).toHaveLength(2);
      expect(failed.attempts).toHaveLength(2);
      for (const a of failed.attempts) {
        expect(a).toMatchObject({ statusCode: null, error: 'timed out after 1500 ms' });
        expect(a.durationMs).toBeGreaterThanOrEqual(1400);
      }
    } finally {
      for (const rx of [dead, healthy]) await rx.close();
      await t.close();
    }
  });

  it('resumes pending deliveries after a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'localdesk-webhooks-'));
    let up = false;
    const first = await startTestServer({ dataDir, config: fast });
    const rx = await startReceiver(first.clock, () => (up ? 200 : 503));
    try {
      const hook = await createHook(first.api, { url: rx.url, events: ['ticket.created'] });
      await buildTicket(first.api);
      await waitFor(async () => (await deliveries(first.api, hook.id))[0]?.attempts.length === 1);
      await first.close(); // one failed attempt, the retry not yet due: pending on disk
      up = true;
      first.clock.set(new Date(first.clock.now().getTime() + 60_000).toISOString());
      const second = await startTestServer({ dataDir, clock: first.clock, config: fast });
      try {
        const [delivery] = await waitFor(settled(second.api, hook.id, 'succeeded'));
        expect(delivery?.attempts.map((a) => a.statusCode)).toEqual([503, 200]);
        expect(rx.got.map((r) => r.headers['localdesk-delivery'])).toEqual([delivery?.id, delivery?.id]);
      } finally {
        await second.close();
      }
    } finally {
      await rx.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('webhook CRUD', () => {
  it('creates a webhook showing the secret once, then reads, lists, changes and deletes it', async () => {
    const created = await s.api.post<Webhook & { secret: string }>('/webhooks', {
      url: ' https://example.com/hooks ',
      events: ['ticket.*', 'ticket.*', 'custom.billing-run'],
    });
    expect(created.status).toBe(201);
    const { secret, ...hook } = created.body.data;
    expect(secret).toMatch(/^whsec_[0-9A-Za-z]{32}$/);
    expect(hook).toMatchObject({ url: 'https://example.com/hooks', events: ['ticket.*', 'custom.billing-run'], active: true });
    expect(hook.id).toMatch(/^whk_[0-9A-Z]{26}$/);

    const got = await s.api.get<Webhook>(`/webhooks/${hook.id}`);
    expect(got.status).toBe(200);
    expect(got.body.data).toEqual(hook);
    expect(got.text).not.toContain(secret);
    const list = await s.api.get<Webhook[]>('/webhooks');
    expect(list.body.meta).toMatchObject({ limit: 50, offset: 0 });
    expect(list.body.data.some((w) => w.id === hook.id)).toBe(true);
    expect(list.text).not.toContain('whsec_');

    s.clock.set(new Date(s.clock.now().getTime() + 60_000).toISOString());
    const patched = await s.api.patch<Webhook>(`/webhooks/${hook.id}`, { events: ['*'], active: false });
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({ events: ['*'], active: false, url: hook.url });
    expect(patched.body.data.updatedAt > hook.updatedAt).toBe(true);

    expect((await s.api.delete(`/webhooks/${hook.id}`)).status).toBe(204);
    expect((await s.api.get(`/webhooks/${hook.id}`)).status).toBe(404);
  });

  it('deletes the deliveries with their webhook', async () => {
    const rx = await startReceiver(s.clock);
    const hook = await createHook(s.api, { url: rx.url, events: ['ticket.created'] });
    await buildTicket(s.api);
    await waitFor(settled(s.api, hook.id, 'succeeded'));
    expect((await s.api.delete(`/webhooks/${hook.id}`)).status).toBe(204);
    const left = await s.db.selectFrom('webhook_deliveries').select('id').where('webhook_id', '=', hook.id).execute();
    expect(left).toEqual([]);
    await rx.close();
  });

  it('rejects invalid bodies with 400 naming the fields', async () => {
    const paths = async (body: unknown, method: 'post' | 'patch' = 'post', path = '/webhooks') => {
      const res = await s.api[method](path, body);
      expect(res.status).toBe(400);
      return (res.body.error?.details?.errors ?? []).map((e) => e.path).sort();
    };
    expect(await paths({ url: 'ftp://example.com/x', events: ['*'] })).toEqual(['url']);
    expect(await paths({ url: `https://example.com/${'a'.repeat(2000)}`, events: ['*'] })).toEqual(['url']);
    expect(await paths({ url: 'https://example.com', events: [] })).toEqual(['events']);
    expect(await paths({ url: 'https://example.com', events: ['Ticket', 'ticket.cr*ated'] })).toEqual(['events.0', 'events.1']);
    expect(await paths({ url: 'https://example.com', events: ['*'], secret: 'x', id: 'whk_x' })).toEqual(['id', 'secret']);
    expect(await paths({})).toEqual(['events', 'url']);
    const hook = await createHook(s.api, { url: 'https://example.com', events: ['*'], active: false });
    expect(await paths({}, 'patch', `/webhooks/${hook.id}`)).toEqual(['']);
    expect(await paths({ url: 'javascript:alert(1)' }, 'patch', `/webhooks/${hook.id}`)).toEqual(['url']);
    await s.api.delete(`/webhooks/${hook.id}`);
  });

  it('answers 404 for unknown ids and 403 without the admin scope', async () => {
    for (const id of ['whk_01JQ0000000000000000000000', 'nope']) {
      expect((await s.api.get(`/webhooks/${id}`)).status).toBe(404);
      expect((await s.api.patch(`/webhooks/${id}`, { active: true })).status).toBe(404);
      expect((await s.api.delete(`/webhooks/${id}`)).status).toBe(404);
      expect((await s.api.get(`/webhooks/${id}/deliveries`)).status).toBe(404);
    }
    const { key } = await buildKey(s.api, ['tickets:read', 'tickets:write', 'events:read']);
    const denied = await s.api.get('/webhooks', { key });
    expect(denied.status).toBe(403);
    expect(denied.body.error?.details).toMatchObject({ required: 'admin' });
    expect((await s.api.post('/webhooks', { url: 'https://example.com', events: ['*'] }, { key })).status).toBe(403);
  });
});
