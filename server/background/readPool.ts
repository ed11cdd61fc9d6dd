// The read pool: worker threads with read-only SQLite connections that serve the hot GETs (the
// ticket list, a ticket with its thread, /search) beside the main thread, so reads use the second core
// (PERF-NOTES: WAL lets readers run beside the writer). Only the query and its serialization
// move: authentication, rate limits, scopes, validation, ETag/304 and logging stay in the
// pipeline on the main thread, unchanged. Writes stay on the main connection. A job reads outside
// any transaction on a fresh statement, so a read that starts after a write was acknowledged
// sees it; a read inside a transaction (If-Match on a write) never comes here.
import { Worker } from 'node:worker_threads';
import { sql } from 'kysely';
import { Counter, type Registry } from 'prom-client';
import type { ListMeta } from '../../common/contract/base.ts';
import type { Db } from '../../db/schema.ts';
import { dialectName } from '../../db/dialect.ts';
import { AppError, type ErrorCode } from '../core/errors.ts';
import type { Actor, Ctx } from '../domain/context.ts';

/** The reads a worker can run (readWorker.ts), named on their routes as `pooledRead`. */
export type PooledRead = 'ticket' | 'tickets' | 'search';

export interface PooledJob {
  id: number;
  op: PooledRead;
  params: Record<string, string>;
  query: Record<string, unknown>;
  nowMs: number;
  actor: Actor;
}

export interface PooledAnswer {
  id: number;
  /** `data`, serialized. */
  json?: string;
  meta?: ListMeta;
  error?: { code: ErrorCode | null; message: string; details?: Record<string, unknown> };
}

interface Slot {
  worker: Worker;
  pending: Map<number, { resolve(answer: PooledAnswer): void; reject(err: Error): void }>;
}

// The worker's code is server/http/readWorker.ts (it runs the routes' handlers). Sources run
// through tsx (tests, `localdesk` from bin/) start it through a file that registers tsx first;
// the bundle (dist/server/cli.js) has readWorker.js beside it (server/build.ts).
const fromSources = import.meta.url.endsWith('.ts');
const workerUrl = new URL(fromSources ? '../http/readWorkerFromSources.js' : './readWorker.js', import.meta.url);

export class ReadPool {
  private nextId = 1;
  private closing = false;
  private readonly slots: Slot[] = [];
  private readonly served: Counter<'op'>;

  private constructor(
    private readonly file: string,
    size: number,
    registry: Registry,
  ) {
    this.served = new Counter({
      name: 'localdesk_read_pool_requests_total',
      help: 'Reads served by the read pool (LOCALDESK_READ_WORKERS), by operation',
      labelNames: ['op'] as const,
      registers: [registry],
    });
    for (let i = 0; i < size; i++) this.slots.push(this.spawn());
  }

  /** A pool of `size` workers on the database's file; null for PostgreSQL, an in-memory database or size 0. */
  static async start(db: Db, size: number, registry: Registry): Promise<ReadPool | null> {
    if (size <= 0 || dialectName(db) !== 'sqlite') return null;
    const { rows } = await sql<{ file: string }>`select file from pragma_database_list where name = 'main'`.execute(db);
    const file = rows[0]?.file ?? '';
    if (!file) return null;
    return new ReadPool(file, size, registry);
  }

  private spawn(): Slot {
    // Small heaps: a worker holds one job's rows and JSON at a time, and the pool has a memory
    // budget (peak RSS ≤ 350 MB with it, issue 19); V8's defaults size a worker like a process.
    const worker = new Worker(workerUrl, {
      workerData: { file: this.file },
      resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 96 },
    });
    const slot: Slot = { worker, pending: new Map() };
    worker.on('message', (answer: PooledAnswer) => {
      const waiting = slot.pending.get(answer.id);
      slot.pending.delete(answer.id);
      waiting?.resolve(answer);
    });
    const fail = (err: Error) => {
      for (const waiting of slot.pending.values()) waiting.reject(err);
      slot.pending.clear();
      // A worker that died is replaced: the pool keeps its size while the server runs.
      const index = this.slots.indexOf(slot);
      if (!this.closing && index >= 0) this.slots[index] = this.spawn();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`a read worker exited (code ${code})`)));
    // A worker waiting for jobs must not keep the process alive on its own.
    worker.unref();
    return slot;
  }

  /** Runs a read on the least busy worker; AppErrors (404, 400) come back as themselves. */
  async run(op: PooledRead, ctx: Ctx, params: Record<string, string>, query: Record<string, unknown>): Promise<PooledAnswer> {
    const slot = this.slots.reduce((best, s) => (s.pending.size < best.pending.size ? s : best));
    const id = this.nextId++;
    const job: PooledJob = { id, op, params: { ...params }, query, nowMs: ctx.clock.now().getTime(), actor: ctx.actor };
    const answer = await new Promise<PooledAnswer>((resolve, reject) => {
      slot.pending.set(id, { resolve, reject });
      slot.worker.postMessage(job);
    });
    this.served.inc({ op });
    if (answer.error) {
      if (answer.error.code) throw new AppError(answer.error.code, answer.error.message, answer.error.details);
      throw new Error(`read worker: ${answer.error.message}`);
    }
    return answer;
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((slot) => slot.worker.terminate()));
    this.slots.length = 0;
  }
}
