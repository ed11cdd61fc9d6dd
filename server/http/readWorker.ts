// A worker thread of the read pool (server/background/readPool.ts): its own read-only
// connection to the SQLite file, running the hot reads the main thread hands it through the
// same route handlers the main thread would call, and answering with the JSON to send
// (serializing here keeps that work off the main thread too). No state survives a job but SQLite's page cache and prepared statements:
// every statement reads the latest commit (WAL), so nothing stale is ever served.
import { parentPort, workerData } from 'node:worker_threads';
import { openReadOnlyDatabase } from '../../db/connection.ts';
import { AppError } from '../core/errors.ts';
import type { Ctx } from '../domain/context.ts';
import { searchRoutes } from '../routes/search.routes.ts';
import { ticketRoutes } from '../routes/tickets.routes.ts';
import type { PooledAnswer, PooledJob, PooledRead } from '../background/readPool.ts';
import type { RouteDef, RouteInput } from './route.ts';

const port = parentPort;
if (!port) throw new Error('readWorker.ts runs as a worker thread');
const { file } = workerData as { file: string };
const { db } = openReadOnlyDatabase(file);

// The routes' own handlers, so a pooled read is the same code as an unpooled one. A pooled
// route's handler uses only ctx, params and query (there is no Koa context or Deps here).
const routes = new Map<PooledRead, RouteDef>();
for (const route of [...ticketRoutes, ...searchRoutes]) if (route.pooledRead) routes.set(route.pooledRead, route);

async function run(job: PooledJob, ctx: Ctx): Promise<Omit<PooledAnswer, 'id'>> {
  const route = routes.get(job.op);
  if (!route) throw new Error(`no pooled read ${job.op}`);
  const input = { ctx, params: job.params, query: job.query, body: undefined, deps: undefined, http: undefined };
  const reply = await route.handler(input as unknown as RouteInput<string, never, never>);
  return { json: JSON.stringify(reply.data) ?? 'null', meta: reply.meta };
}

port.on('message', (job: PooledJob) => {
  // The main thread's clock (a test clock in tests): the SLA is judged as of the request.
  const ctx: Ctx = { db, clock: { now: () => new Date(job.nowMs) }, actor: job.actor };
  run(job, ctx).then(
    (answer) => port.postMessage({ id: job.id, ...answer } satisfies PooledAnswer),
    (err: unknown) => {
      const error =
        err instanceof AppError
          ? { code: err.code, message: err.message, details: err.details }
          : { code: null, message: err instanceof Error ? (err.stack ?? err.message) : String(err) };
      port.postMessage({ id: job.id, error } satisfies PooledAnswer);
    },
  );
});
