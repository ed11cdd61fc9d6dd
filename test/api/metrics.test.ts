import { createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../../server/app.ts';
import { makeConfig } from '../../server/core/config.ts';
import { scrapeNeedsAdminKey } from '../../server/routes/system.routes.ts';
import { buildKey, buildTicket } from '../helpers/factories.ts';
import { type TestServer, apiClient, startTestServer } from '../helpers/server.ts';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text format (enough of it for these tests). */
function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, name, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[name!] = value!;
    }
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The value of the one sample with this name and (at least) these labels; 0 when absent. */
function valueOf(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  if (found.length > 1) throw new Error(`${found.length} samples match ${name}`);
  return found[0]?.value ?? 0;
}

async function scrape(s: TestServer): Promise<{ text: string; samples: Sample[] }> {
  const res = await s.api.get('/metrics', { key: null });
  expect(res.status).toBe(200);
  return { text: res.text, samples: parseSamples(res.text) };
}

const ticketRoute = { method: 'GET', route: '/api/v1/tickets/:id' };

describe('GET /metrics', () => {
  let s: TestServer;
  beforeAll(async () => void (s = await startTestServer()));
  afterAll(async () => s.close());

  it('serves the Prometheus text format without a key on loopback', async () => {
    const res = await s.api.get('/metrics', { key: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.text).toContain('# TYPE localdesk_http_requests_total counter');
    expect(res.text).toContain('# TYPE localdesk_http_request_duration_seconds histogram');
    expect(res.text).toContain('# TYPE localdesk_tickets gauge');
    expect(res.text).toContain('# TYPE localdesk_webhook_deliveries gauge');
    // The client's default process metrics, on this server's own registry.
    expect(res.text).toContain('process_cpu_user_seconds_total');
    expect(res.text).toContain('nodejs_heap_size_used_bytes');
    expect(() => parseSamples(res.text)).not.toThrow();
  });

  it('counts requests by route template and status, never by raw path', async () => {
    const ticket = await buildTicket(s.api);
    const before = (await scrape(s)).samples;
    for (let i = 0; i < 3; i++) expect((await s.api.get(`/tickets/${ticket.id}`)).status).toBe(200);
    expect((await s.api.get('/tickets/tkt_01JQ0000000000000000000000')).status).toBe(404);
    expect((await s.api.get('/no/such/page', { key: null })).status).toBe(404);
    const { text, samples } = await scrape(s);

    const counter = 'localdesk_http_requests_total';
    const delta = (labels: Record<string, string>) =>
      valueOf(samples, counter, labels) - valueOf(before, counter, labels);
    expect(delta({ ...ticketRoute, status: '200' })).toBe(3);
    expect(delta({ ...ticketRoute, status: '404' })).toBe(1);
    expect(delta({ method: 'GET', route: 'unmatched', status: '404' })).toBe(1);
    expect(delta({ method: 'POST', route: '/api/v1/tickets', status: '201' })).toBe(0);
    expect(valueOf(samples, counter, { method: 'POST', route: '/api/v1/tickets', status: '201' }))
      .toBeGreaterThanOrEqual(1);
    expect(valueOf(samples, counter, { method: 'GET', route: '/metrics', status: '200' }))
      .toBeGreaterThanOrEqual(1);
    expect(text).not.toContain(ticket.id);
    expect(text).not.toContain('/no/such/page');
  });

  it('times requests in a histogram with buckets, sum and count', async () => {
    const ticket = await buildTicket(s.api);
    await s.api.get(`/tickets/${ticket.id}`);
    const { samples } = await scrape(s);
    const name = 'localdesk_http_request_duration_seconds';
    const labels = { ...ticketRoute, status: '200' };
    const buckets = samples.filter(
      (x) =>
        x.name === `${name}_bucket` && x.labels.route === labels.route && x.labels.status === '200',
    );
    expect(buckets.map((b) => b.labels.le)).toEqual(
      ['0.001', '0.0025', '0.005', '0.01', '0.025', '0.05', '0.1', '0.25', '0.5']
        .concat(['1', '2.5', '5', '10', '+Inf']),
    );
    const counts = buckets.map((b) => b.value);
    expect(counts).toEqual([...counts].sort((a, b) => a - b)); // cumulative
    const count = valueOf(samples, `${name}_count`, labels);
    expect(count).toBeGreaterThanOrEqual(1);
    expect(buckets.at(-1)?.value).toBe(count);
    expect(valueOf(samples, `${name}_sum`, labels)).toBeGreaterThan(0);
  });

  it('reports tickets by status as the data stands when scraped', async () => {
    const [a, b] = [await buildTicket(s.api), await buildTicket(s.api), await buildTicket(s.api)];
    expect((await s.api.patch(`/tickets/${a!.id}`, { status: 'pending' })).status).toBe(200);
    expect((await s.api.patch(`/tickets/${b!.id}`, { status: 'resolved' })).status).toBe(200);
    const { samples } = await scrape(s);
    for (const status of ['open', 'pending', 'resolved', 'closed']) {
      const listed = await s.api.get(`/tickets?status=${status}&limit=1`);
      const gauge = valueOf(samples, 'localdesk_tickets', { status });
      expect(gauge, status).toBe(listed.body.meta?.total);
    }
    expect(valueOf(samples, 'localdesk_tickets', { status: 'pending' })).toBeGreaterThanOrEqual(1);
  });

  it('reports webhook deliveries by outcome', async () => {
    const zero = (await scrape(s)).samples;
    for (const status of ['pending', 'succeeded', 'failed']) {
      const sample = zero.find(
        (x) => x.name === 'localdesk_webhook_deliveries' && x.labels.status === status,
      );
      expect(sample, status).toBeDefined();
    }
    // Rows written directly: an inactive webhook the delivery worker never picks up.
    const now = s.clock.now().toISOString();
    const event = await s.db.selectFrom('events').select('id').executeTakeFirstOrThrow();
    await s.db
      .insertInto('webhooks')
      .values({
        id: 'whk_metrics',
        url: 'http://127.0.0.1:9/',
        events: '[]',
        secret: 'x',
        active: 0,
        created_at: now,
        updated_at: now,
      })
      .execute();
    const delivery = (id: string, status: 'succeeded' | 'failed') => ({
      id, webhook_id: 'whk_metrics', event_id: event.id, status, attempts: 1,
      next_attempt_at: null, last_status_code: null, last_error: null,
      created_at: now, updated_at: now,
    });
    await s.db
      .insertInto('webhook_deliveries')
      .values([
        delivery('dlv_m1', 'failed'),
        delivery('dlv_m2', 'failed'),
        delivery('dlv_m3', 'succeeded'),
      ])
      .execute();
    const { samples } = await scrape(s);
    const gauge = (status: string) =>
      valueOf(samples, 'localdesk_webhook_deliveries', { status }) -
      valueOf(zero, 'localdesk_webhook_deliveries', { status });
    expect([gauge('failed'), gauge('succeeded'), gauge('pending')]).toEqual([2, 1, 0]);
  });

  it('is documented in the OpenAPI document as text', async () => {
    const doc = await s.api.get<never>('/api/v1/openapi.json', { key: null });
    const { paths } = JSON.parse(doc.text) as { paths: Record<string, Record<string, unknown>> };
    expect(paths['/metrics']?.get).toMatchObject({
      tags: ['System'],
      responses: {
        '200': { content: { 'text/plain; version=0.0.4': { schema: { type: 'string' } } } },
        '401': expect.any(Object),
      },
      security: [{}, { apiKey: [] }, { bearer: [] }],
    });
    expect(paths['/api/v1/search']?.get).toBeDefined();
  });
});

describe('metrics access', () => {
  it('asks for an admin key only when bound beyond loopback', () => {
    for (const host of ['127.0.0.1', '127.0.0.2', 'localhost', '::1']) {
      expect(scrapeNeedsAdminKey(host), host).toBe(false);
    }
    for (const host of ['0.0.0.0', '::', '192.168.1.20', 'helpdesk.lan']) {
      expect(scrapeNeedsAdminKey(host), host).toBe(true);
    }
  });

  it('answers 401 without a key, 403 without admin and 200 with admin in LAN mode', async () => {
    const s = await startTestServer();
    // A server configured for every interface, reached here over loopback only.
    const lan = createServer({
      db: s.db,
      config: makeConfig({ dataDir: s.dataDir, host: '0.0.0.0', port: 0, logLevel: 'silent' }),
      clock: s.clock,
      logger: pino({ level: 'silent' }),
    });
    const http = createHttpServer(lan.app.callback());
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    try {
      const api = apiClient(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, s.adminKey);
      const none = await api.get('/metrics', { key: null });
      expect(none.status).toBe(401);
      expect(none.body).toMatchObject({ data: null, error: { code: 'UNAUTHORIZED' } });
      const reader = (await buildKey(s.api, ['tickets:read'])).key;
      const denied = await api.get('/metrics', { key: reader });
      expect(denied.status).toBe(403);
      expect(denied.body).toMatchObject({
        error: { code: 'FORBIDDEN', details: { required: 'admin' } },
      });
      const allowed = await api.get('/metrics');
      expect(allowed.status).toBe(200);
      expect(allowed.text).toContain('localdesk_tickets{status="open"}');
    } finally {
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await s.close();
    }
  });
});
