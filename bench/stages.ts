// `npm run bench:stages`: what each stage of GET /api/v1/tickets/:id costs, in µs per request,
// on the real server's own parts (createServer over a copy of the bench data set), so the gap to
// the raw reference can be pinned on a stage. Each stage runs alone in a warm loop over ~1,000
// random ticket ids; then whole requests over one keep-alive connection give the server-side
// time of a request (arrival to the last byte written) beside the raw reference handler's: the
// difference is what the product's stack adds, and what the stages do not explain of it is Koa,
// the router and the middleware.
//
// Environment: BENCH_STAGES_TICKETS (data set size, default 100000; seeded once under
// BENCH_DATA like `npm run bench`), BENCH_STAGES_ITERATIONS (per stage, default 20000),
// BENCH_DATA (bench/data).
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer as createHttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import { pino } from 'pino';
import { z } from 'zod';
import { migrateToLatest, openDatabase } from '../db/connection.ts';
import { createServer } from '../server/app.ts';
import { bootstrap } from '../server/bootstrap.ts';
import { systemClock } from '../server/core/clock.ts';
import { makeConfig } from '../server/core/config.ts';
import { generateApiKey } from '../server/domain/apiKeys/keys.ts';
import { actorOf } from '../server/domain/auth/principal.ts';
import type { Ctx } from '../server/domain/context.ts';
import { getTicketWithMessages } from '../server/domain/tickets/tickets.read.ts';
import { etagOfJson } from '../server/http/etag.ts';
import { parseOrThrow } from '../server/http/validation.ts';
import { prepareDataSet } from './dataset.ts';
import { rawServer } from './reference.ts';
import { repoRoot } from './proc.ts';

const tickets = Number(process.env.BENCH_STAGES_TICKETS ?? 100_000);
const iterations = Number(process.env.BENCH_STAGES_ITERATIONS ?? 20_000);
const dataDir = resolve(process.env.BENCH_DATA || join(repoRoot, 'bench', 'data'));
const log = (text: string) => process.stderr.write(`[stages] ${text}\n`);

interface Stage {
  name: string;
  /** Why this stage exists on the request path (printed beside its cost). */
  what: string;
  run(i: number): unknown;
}

/** Mean µs per call after a warm-up of a tenth of the iterations. */
async function time(stage: Stage): Promise<number> {
  const warm = Math.max(100, Math.floor(iterations / 10));
  for (let i = 0; i < warm; i++) await stage.run(i);
  const started = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await stage.run(i);
  return Number(process.hrtime.bigint() - started) / 1e3 / iterations;
}

/** Sends `paths` one after another over one keep-alive connection, from a worker thread. */
function clientRun(port: number, paths: readonly string[], key: string): Promise<void> {
  const worker = new Worker(clientSource, { eval: true, workerData: { port, paths, key } });
  return new Promise<void>((done, fail) => {
    worker.once('message', (message: { error?: string }) => (message.error ? fail(new Error(message.error)) : done()));
    worker.once('error', fail);
  }).finally(() => void worker.terminate());
}

const clientSource = `
  const { request, Agent } = require('node:http');
  const { parentPort, workerData } = require('node:worker_threads');
  const { port, paths, key } = workerData;
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  const get = (path) => new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent, headers: { 'x-api-key': key } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end();
  });
  (async () => {
    for (const path of paths) {
      const status = await get(path);
      if (status !== 200) throw new Error(path + ' answered ' + status);
    }
  })().then(() => parentPort.postMessage({}), (err) => parentPort.postMessage({ error: String(err) }));
`;

async function main(): Promise<void> {
  const dataSet = await prepareDataSet(dataDir, tickets, 10, log);
  const adminKey = generateApiKey();
  const config = makeConfig({ dataDir: dataSet.runDir, adminKey, rateLimitPerMinute: 1_000_000, logLevel: 'warn' });
  const handle = openDatabase(dataSet.file);
  await migrateToLatest(handle.db);
  await bootstrap(handle.db, systemClock, config);
  // The bench's log level (warn): the request line is built and dropped by pino's level check.
  const logger = pino({ level: config.logLevel });
  const server = createServer({ db: handle.db, config, logger });
  const { deps } = server;

  const ids = (await handle.db.selectFrom('tickets').select('id').where(sql<boolean>`seq % 97 = 0`).orderBy('seq').limit(1_000).execute()).map(
    (r) => r.id,
  );
  if (ids.length === 0) throw new Error('the data set has no tickets');
  const id = (i: number) => ids[i % ids.length] as string;
  const principal = await deps.authenticate({ key: adminKey, sessionToken: null });
  const ctx: Ctx = { db: deps.db, clock: deps.clock, actor: actorOf(principal) };
  const sample = await getTicketWithMessages(ctx, id(0));
  const sampleJson = JSON.stringify(sample);
  const emptyQuery = z.strictObject({});
  // A logger at info level writing into nothing: what the request line costs when it is kept.
  const sink = new Writable({ write: (_chunk, _enc, done) => done() });
  const infoLogger = pino({ level: 'info' }, sink);
  const logLine = (l: typeof logger) =>
    l.info({ reqId: randomUUID(), method: 'GET', route: '/api/v1/tickets/:id', path: `/api/v1/tickets/${id(0)}`, status: 200, ms: 1.23, keyId: principal.credentialId }, 'request');
  const labels = { method: 'GET', route: '/api/v1/tickets/:id', status: '200' };

  const stages: Stage[] = [
    { name: 'auth lookup', what: 'API key → sha256 → key row (prepared), last-use throttle', run: () => deps.authenticate({ key: adminKey, sessionToken: null }) },
    { name: 'rate limit', what: 'in-memory window per key', run: () => deps.limiter.hit(principal.credentialId, 1_000_000, Date.now()) },
    { name: 'validation', what: 'query against the route schema (none for this route)', run: () => parseOrThrow(emptyQuery, Object.create(null), 'query') },
    { name: 'handler/query', what: 'ticket row + thread + attachments (SQLite, Kysely)', run: (i) => getTicketWithMessages(ctx, id(i)) },
    { name: 'serialize', what: 'JSON.stringify of the ticket with its thread', run: () => JSON.stringify(sample) },
    { name: 'ETag', what: 'sha256 of the serialized JSON', run: () => etagOfJson(sampleJson) },
    { name: 'envelope', what: 'wrapping the JSON in {data, error}', run: () => `{"data":${sampleJson},"error":null}`.length },
    { name: 'logging (level warn)', what: 'request id + pino call, dropped by level', run: () => logLine(logger) },
    { name: 'logging (level info)', what: 'the same line serialized (into a sink)', run: () => logLine(infoLogger) },
    { name: 'metrics', what: 'prom-client counter + histogram', run: () => deps.metrics.observeRequest(labels, 0.001) },
  ];
  const results: { name: string; what: string; us: number }[] = [];
  for (const stage of stages) {
    const us = await time(stage);
    results.push({ name: stage.name, what: stage.what, us });
    log(`${stage.name}: ${us.toFixed(1)} µs`);
  }

  // Whole requests, one at a time over one keep-alive connection: the server-side time from the
  // request's arrival to its last byte (no queueing: one request in flight), for LocalDesk and
  // for the raw reference handler (reference.ts) on the same file, so HTTP parsing and the
  // socket write, which both pay, cancel out.
  const localdesk = await timedServer(server.app.callback());
  const raw = await timedServer(rawServer(dataSet.file));
  // The client runs in a worker thread: in this thread its callbacks would interleave with any
  // request that yields to the event loop and be counted as the server's time.
  const wholeRequests = async (target: TimedServer, path: (i: number) => string, key: string) => {
    const n = Math.max(1_000, Math.floor(iterations / 4));
    const paths = Array.from({ length: n }, (_, i) => path(i));
    await clientRun(target.port, paths.slice(0, Math.ceil(n / 10)), key);
    target.reset();
    await clientRun(target.port, paths, key);
    return target.meanUs();
  };
  const byId = (prefix: string) => (i: number) => `${prefix}${encodeURIComponent(id(i))}`;
  const whole = await wholeRequests(localdesk, byId('/api/v1/tickets/'), adminKey);
  const rawWhole = await wholeRequests(raw, byId('/tickets/'), '');
  const health = await wholeRequests(localdesk, () => '/health', adminKey);
  await localdesk.close();
  await raw.close();
  await server.close();
  await handle.close();

  const staged = results.filter((r) => r.name !== 'logging (level info)').reduce((n, r) => n + r.us, 0);
  const rows = [
    ...results.map((r) => [r.name, r.us.toFixed(1), r.what]),
    ['sum of the stages', staged.toFixed(1), 'logging at the bench level (warn)'],
    ['whole request, server side', whole.toFixed(1), 'arrival → last byte written, one request in flight'],
    ['raw reference, server side', rawWhole.toFixed(1), 'node:http + prepared statements, same SQL and JSON'],
    ['  LocalDesk − raw', (whole - rawWhole).toFixed(1), 'what the product stack adds per request'],
    ['GET /health, server side', health.toFixed(1), 'the middleware stack with a trivial route'],
  ];
  const width = Math.max(...rows.map((r) => (r[0] ?? '').length));
  process.stdout.write(
    `\nGET /api/v1/tickets/:id, µs per request (${tickets.toLocaleString('en-US')} tickets × 10 messages, ${iterations.toLocaleString('en-US')} iterations per stage)\n\n` +
      rows.map(([name, us, what]) => `${(name ?? '').padEnd(width)}  ${(us ?? '').padStart(8)}  ${what}`).join('\n') +
      '\n',
  );
}

interface TimedServer {
  port: number;
  reset(): void;
  meanUs(): number;
  close(): Promise<void>;
}

/** An HTTP server around `handler` that sums the time from each request's arrival to 'finish'. */
async function timedServer(handler: (req: IncomingMessage, res: ServerResponse) => unknown): Promise<TimedServer> {
  let total = 0n;
  let count = 0;
  const http = createHttpServer((req, res) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      total += process.hrtime.bigint() - started;
      count++;
    });
    void handler(req, res);
  });
  await new Promise<void>((done) => http.listen(0, '127.0.0.1', done));
  return {
    port: (http.address() as AddressInfo).port,
    reset() {
      total = 0n;
      count = 0;
    },
    meanUs: () => Number(total) / 1e3 / Math.max(1, count),
    close: () => new Promise<void>((done) => http.close(() => done())),
  };
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`[stages] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
