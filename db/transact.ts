import { type Kysely, sql } from 'kysely';
import { dialectOf } from './dialect.ts';
import type { Database } from './schema.ts';
import { writeGateOf } from './writeGate.ts';

type Db = Kysely<Database>;
type Work<T> = (trx: Db) => Promise<T>;

/**
 * Runs `fn` in a transaction, or inside the caller's when `db` already is one. Services use
 * this instead of db.transaction() so a route can wrap a check and a write in one transaction
 * (If-Match, Idempotency-Key) and have them commit or roll back together.
 *
 * Transactions asked for in the same turn of the event loop (concurrent requests) commit
 * together: one BEGIN … COMMIT with a savepoint per caller. A caller whose work fails is rolled
 * back to its savepoint alone and gets its error; the others commit. Each caller's promise
 * settles only after the shared commit, so an acknowledged write is as durable as before.
 * Measured: a commit (WAL pages, the full-text segment) was ~0.5 ms of POST /tickets' ~2 ms;
 * shared by the requests that arrive together, it no longer caps writes per second.
 *
 * On PostgreSQL each transaction runs on its own pooled connection, first taking the write lock
 * (db/dialects/postgres.ts), so writers from every node run one at a time as they do here.
 */
export function transact<T>(db: Db, fn: Work<T>): Promise<T> {
  if (db.isTransaction) return fn(db);
  const dialect = dialectOf(db);
  if (dialect.name === 'postgres') {
    return db.transaction().execute(async (trx) => {
      await dialect.beginWrite(trx);
      return fn(trx);
    });
  }
  let group = groups.get(db);
  if (!group) groups.set(db, (group = new GroupCommit(db)));
  return group.run(fn);
}

/**
 * Runs `fn` on one consistent snapshot of the database, for reads that must add up (a report of
 * several queries); joins the caller's transaction when there is one. PostgreSQL: a read-only
 * REPEATABLE READ transaction, which neither takes the write lock nor waits for writers.
 */
export function snapshot<T>(db: Db, fn: Work<T>): Promise<T> {
  if (db.isTransaction || dialectOf(db).name !== 'postgres') return transact(db, fn);
  return db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(fn);
}

interface Job {
  fn: Work<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

const groups = new WeakMap<Db, GroupCommit>();

/**
 * BEGIN, `work`, COMMIT; ROLLBACK on any failure, and the failure is what the caller hears. For
 * work that must not share a commit with requests (background followers); others use transact.
 * After some errors (SQLITE_FULL, IOERR, BUSY, in a statement or in the COMMIT itself) SQLite
 * has already rolled the transaction back, so the ROLLBACK fails with "no transaction is
 * active": Kysely's transaction().execute() then throws that instead of the cause (a disk-full
 * write was a 500 instead of a 503). A controlled transaction releases the connection whether
 * or not the ROLLBACK succeeds. It starts only while no other connection holds the database for
 * an import (writeGate.ts), waiting for it asynchronously instead of in SQLite's busy handler.
 */
export async function inOneTransaction<T>(db: Db, work: Work<T>): Promise<T> {
  const gate = writeGateOf(db);
  await gate.enter();
  try {
    return await controlledTransaction(db, work);
  } finally {
    gate.leave();
  }
}

/** BEGIN, `work`, COMMIT; ROLLBACK on failure when SQLite has not already rolled back (above). */
export async function controlledTransaction<T>(db: Db, work: Work<T>): Promise<T> {
  const trx = await db.startTransaction().execute();
  try {
    const result = await work(trx);
    await trx.commit().execute();
    return result;
  } catch (error) {
    if (!trx.isCommitted && !trx.isRolledBack) await trx.rollback().execute().catch(() => undefined);
    throw error;
  }
}

class GroupCommit {
  private queued: Job[] = [];
  private scheduled = false;

  constructor(private readonly db: Db) {}

  run<T>(fn: Work<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queued.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // After the I/O callbacks of this turn: the requests that arrived together.
        setImmediate(() => void this.commit());
      }
    });
  }

  private async commit(): Promise<void> {
    const jobs = this.queued;
    this.queued = [];
    this.scheduled = false;
    const only = jobs.length === 1 ? jobs[0] : undefined;
    if (only) {
      // Alone: no savepoint needed, a failure rolls the transaction back.
      try {
        only.resolve(await inOneTransaction(this.db, only.fn));
      } catch (error) {
        only.reject(error);
      }
      return;
    }
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      await inOneTransaction(this.db, async (trx) => {
        for (const job of jobs) {
          await sql`savepoint grouped_write`.execute(trx);
          try {
            outcomes.push({ ok: true, value: await job.fn(trx) });
          } catch (error) {
            try {
              await sql`rollback to grouped_write`.execute(trx);
            } catch {
              // No savepoint left: SQLite rolled everything back, every job's work included.
              throw error;
            }
            outcomes.push({ ok: false, value: error });
          }
          await sql`release grouped_write`.execute(trx);
        }
      });
    } catch (error) {
      // The commit itself failed (or SQLite rolled the whole transaction back): nothing of
      // any job was written, and every caller hears so, with the cause.
      for (const job of jobs) job.reject(error);
      return;
    }
    jobs.forEach((job, i) => {
      const outcome = outcomes[i] as { ok: boolean; value: unknown };
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.value);
    });
  }
}
