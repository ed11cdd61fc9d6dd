// A worker thread of the read pool (readPool.ts): its own read-only connection to the SQLite
// file, running the hot reads the main thread hands it with the same domain functions the main
// thread would call, and answering with the JSON to send (serializing here keeps that work off
// the main thread too). No state survives a job but SQLite's page cache and prepared statements:
// every statement reads the latest commit (WAL), so nothing stale is ever served.
import { parentPort, workerData } from 'node:worker_threads';
import { openReadOnlyDatabase } from '../../db/connection.ts';
import type { TicketListQuery } from '../../common/contract/tickets.ts';
import type { z } from 'zod';
import { AppError } from '../core/errors.ts';
import type { Ctx } from '../domain/context.ts';
import { listTickets } from '../domain/tickets/tickets.list.ts';
import { getTicketWithMessages } from '../domain/tickets/tickets.read.ts';
import type { PooledAnswer, PooledJob } from './readPool.ts';

const port = parentPort;
if (!port) throw new Error('readWorker.ts runs as a worker thread');
const { file } = workerData as { file: string };
const { db } = openReadOnlyDatabase(file);

async function run(job: PooledJob, ctx: Ctx): Promise<Omit<PooledAnswer, 'id'>> {
  switch (job.op) {
    case 'ticket':
      return { json: JSON.stringify(await getTicketWithMessages(ctx, job.params.id ?? '')) };
    case 'tickets': {
      const page = await listTickets(ctx, job.query as z.output<typeof TicketListQuery>);
      return { json: JSON.stringify(page.data), meta: page.meta };
    }
  }
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
