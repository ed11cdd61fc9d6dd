// Runs one import job: reads the product (or the file) from where the account's last import
// stopped, and applies the records in batches. Each batch is one transaction holding its rows,
// the cursor after its last record and the job's counts, so a killed run resumes exactly after
// the last batch that committed. No network call happens inside a transaction: records are read
// first, then written (the next read already under way while a batch commits).
//
// Used by the server's runner (server/background/imports.ts) and by `localdesk import-from`.
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import type { Db, ImportRow } from '../../../db/schema.ts';
import type { ImportJobT } from '../../../common/contract/imports.ts';
import type { Clock } from '../../core/clock.ts';
import { nowIso } from '../../core/clock.ts';
import { transact } from '../../../db/transact.ts';
import { importActor } from './actor.ts';
import { applyItems } from './apply.ts';
import { type Downloaded, type FileTarget, downloadFiles, nothingDownloaded } from './downloads.ts';
import { type DryRunCopy, openDryRunCopy } from './dryRun.ts';
import { importFilePath } from './files.ts';
import {
  type JobFailure,
  type StoredProgress,
  finishImport,
  latestCursor,
  loadImport,
  optionsOf,
  presentImport,
  progressOf,
  storedCounts,
  tallyOf,
} from './jobs.ts';
import { type BoundSource, type Credentials, bindSource } from './sources.ts';
import { type HttpTuning, type ImportRecord, ImportSourceError, type ProgressEvent, type SourceItem } from './sources/types.ts';
import type { Tally } from './tally.ts';

export interface RunEnv {
  /** The live database: the job's row, and the imported rows unless it is a dry run. */
  db: Db;
  clock: Clock;
  /** Where imported messages' files go; without it only their details are kept. */
  files?: FileTarget;
  http?: HttpTuning;
  /** After each commit: lets the server's live streams see the new events. */
  notify?: () => void;
  /** After each commit and at the end, the job as the API presents it (the CLI's progress bar). */
  onChange?: (job: ImportJobT) => void;
  /** Logs what the job's failure message cannot say (an internal error). */
  logError?: (err: unknown, jobId: string) => void;
  /** Records per transaction, and the longest a read record waits for its batch. */
  batchSize?: number;
  flushMs?: number;
}

/** Why a run is stopped from outside: cancelled (final), or interrupted (resumed later). */
export type StopReason = 'cancel' | 'interrupt';

/** The job's row changed under the run (cancelled through the API or by another process). */
class Stopped extends Error {}

const tick = Symbol('tick');

function failureOf(err: unknown): JobFailure | null {
  if (err instanceof ImportSourceError) return { code: err.code, message: err.message };
  const code = (err as { code?: unknown } | null)?.code;
  if (err instanceof Error && err.name === 'SqliteError' && typeof code === 'string') {
    return { code: 'database', message: `the database refused a write (${code}); the import can be started again to continue` };
  }
  return null;
}

export async function runImport(env: RunEnv, jobId: string, credentials: Credentials | null, signal: AbortSignal): Promise<ImportRow> {
  const { db, clock } = env;
  const started = nowIso(clock);
  const claimed = await db
    .updateTable('imports')
    .set({ status: 'running', owner_pid: process.pid, started_at: sql`coalesce(started_at, ${started})`, updated_at: started })
    .where('id', '=', jobId)
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirst();
  let row = await loadImport(db, jobId);
  if (Number(claimed.numUpdatedRows) === 0) return row;

  const dry = row.dry_run === 1;
  const tally = tallyOf(row);
  const progress: StoredProgress = { ...progressOf(row), runStartedAt: started, runTickets: 0, waiting: null };
  // The rate is wall time (what an ETA is about), whatever clock the rules run on.
  const startedMs = performance.now();
  let copy: DryRunCopy | null = null;
  // A dry run's throwaway copy is gone before the job says it ended: whoever sees "succeeded"
  // or "failed" never finds the copy still there.
  const discardCopy = async () => {
    const held = copy;
    copy = null;
    await held?.discard();
  };
  const changed = async () => {
    row = await loadImport(db, jobId);
    env.onChange?.(presentImport(row, clock.now()));
  };

  try {
    const options = optionsOf(row);
    const file = row.source === 'csv' ? (options.file ?? (await importFilePath(db, options.fileId))) : undefined;
    const source: BoundSource = bindSource(row.source, options, credentials, file);
    const since = row.cursor ? (JSON.parse(row.cursor) as unknown) : row.full_run ? null : await latestCursor(db, row.source, row.account, row.id);
    if (dry) copy = await openDryRunCopy(db, jobId, started);
    const dataDb = copy?.db ?? db;
    const control = {
      signal,
      http: env.http,
      onProgress: (event: ProgressEvent) => {
        if (event.type === 'page') progress.phase = event.phase;
        if (event.type === 'wait') void noteWait(db, jobId, clock, progress, event.reason, event.ms);
      },
    };
    progress.ticketsEstimated = (await source.estimate(control).catch(() => ({ tickets: null }))).tickets;

    const flush = async (records: ImportRecord<unknown>[]) => {
      if (records.length === 0) return;
      const items = records.filter((r): r is ImportRecord<unknown> & SourceItem => r.kind !== 'checkpoint');
      const cursor = records[records.length - 1]?.cursor;
      const actor = importActor(jobId, row.created_by);
      // A dry run downloads nothing: it shows what would be written, files are only counted.
      const downloaded: Downloaded =
        dry || !env.files ? nothingDownloaded : await downloadFiles({ db, clock, actor }, env.files, row.source, source.download, control, items);
      const scope = (trx: Db) => ({ trx, clock, now: nowIso(clock), actor, source: row.source, fallbackTime: row.created_at, files: downloaded.files });
      if (dry) {
        const batch = await transact(dataDb, (trx) => applyItems(scope(trx), items));
        await transact(db, async (trx) => saveProgress(trx, batch, null));
      } else {
        await transact(db, async (trx) => {
          // A write first: the transaction takes the write lock before it reads anything, and
          // learns whether the job was cancelled meanwhile.
          await claim(trx);
          const batch = await applyItems(scope(trx), items);
          batch.merge(downloaded.tally);
          await saveProgress(trx, batch, cursor);
        });
      }
      env.notify?.();
      await changed();
    };

    const claim = async (trx: Db) => {
      const res = await trx.updateTable('imports').set({ updated_at: nowIso(clock) }).where('id', '=', jobId).where('status', '=', 'running').executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) throw new Stopped();
    };

    const saveProgress = async (trx: Db, batch: Tally, cursor: unknown) => {
      if (dry) await claim(trx);
      tally.merge(batch);
      const now = clock.now();
      progress.runTickets += batch.tickets;
      progress.ticketsDone = tally.tickets;
      const seconds = (performance.now() - startedMs) / 1000;
      progress.ticketsPerSecond = seconds > 0 && progress.runTickets > 0 ? Math.round((progress.runTickets / seconds) * 10) / 10 : null;
      const left = progress.ticketsEstimated === null ? null : progress.ticketsEstimated - progress.ticketsDone;
      progress.etaAt =
        left !== null && left > 0 && progress.ticketsPerSecond ? new Date(now.getTime() + (left / progress.ticketsPerSecond) * 1000).toISOString() : null;
      progress.waiting = null;
      await trx
        .updateTable('imports')
        .set({
          ...(cursor !== undefined && cursor !== null && !dry ? { cursor: JSON.stringify(cursor) } : {}),
          counts: storedCounts(tally),
          errors: JSON.stringify(tally.refusals),
          error_count: tally.refusalCount,
          progress: JSON.stringify(progress),
          updated_at: now.toISOString(),
        })
        .where('id', '=', jobId)
        .execute();
    };

    await readInBatches(source.read(since, control), flush, env.batchSize ?? 100, env.flushMs ?? 250);
    progress.etaAt = null;
    await db.updateTable('imports').set({ progress: JSON.stringify(progress) }).where('id', '=', jobId).execute();
    await discardCopy();
    await finishImport(db, jobId, 'succeeded', nowIso(clock), null);
  } catch (err) {
    await discardCopy().catch((discardError: unknown) => env.logError?.(discardError, jobId));
    if (err instanceof Stopped) {
      // Cancelled meanwhile: the batch rolled back, the status says what happened.
    } else if (signal.aborted) {
      // Cancelled: the cancel already set the status. Interrupted: left running, resumed later.
      if (signal.reason === 'cancel') await finishImport(db, jobId, 'cancelled', nowIso(clock), null);
    } else {
      const failure = failureOf(err);
      if (!failure) env.logError?.(err, jobId);
      await finishImport(db, jobId, 'failed', nowIso(clock), failure ?? { code: 'internal', message: 'the import stopped on an internal error (the log has the details)' });
    }
  } finally {
    await discardCopy();
  }
  await changed();
  return row;
}

/**
 * Feeds records to `flush` in batches: when `size` have been read, when the oldest unwritten one
 * has waited `ms` (a product that answers slowly still shows progress), and at the end. The next
 * record is already being read while a batch is written.
 */
async function readInBatches(
  records: AsyncGenerator<ImportRecord<unknown>, void, undefined>,
  flush: (batch: ImportRecord<unknown>[]) => Promise<void>,
  size: number,
  ms: number,
): Promise<void> {
  let batch: ImportRecord<unknown>[] = [];
  let since = 0;
  const next = () => {
    const p = records.next();
    p.catch(() => undefined); // handled when awaited; marks it handled while a batch commits
    return p;
  };
  let pending = next();
  try {
    for (;;) {
      let timer: NodeJS.Timeout | undefined;
      const wait = batch.length === 0 ? null : new Promise<typeof tick>((resolve) => (timer = setTimeout(() => resolve(tick), Math.max(0, since + ms - Date.now()))));
      let got: typeof tick | IteratorResult<ImportRecord<unknown>, void>;
      try {
        got = wait ? await Promise.race([pending, wait]) : await pending;
      } catch (err) {
        // The read failed (the product, the network, a bad line): what was read before is
        // whole records with their cursors, so it is kept, and the next run continues after it.
        clearTimeout(timer);
        await flush(batch);
        throw err;
      }
      clearTimeout(timer);
      if (got === tick) {
        const out = batch;
        batch = [];
        await flush(out);
        continue;
      }
      if (got.done) break;
      if (batch.length === 0) since = Date.now();
      batch.push(got.value);
      pending = next();
      if (batch.length >= size || got.value.kind === 'checkpoint') {
        const out = batch;
        batch = [];
        await flush(out);
      }
    }
    await flush(batch);
  } finally {
    // Not awaited: a read still waiting out a long Retry-After must not hold the run's end.
    void records.return(undefined).catch(() => undefined);
  }
}

/** The product asked to wait (a 429, a spent quota) or is failing: shown while it lasts. */
async function noteWait(db: Db, jobId: string, clock: Clock, progress: StoredProgress, reason: NonNullable<StoredProgress['waiting']>['reason'], ms: number): Promise<void> {
  progress.waiting = { reason, until: new Date(clock.now().getTime() + ms).toISOString() };
  await db
    .updateTable('imports')
    .set({ progress: JSON.stringify(progress) })
    .where('id', '=', jobId)
    .where('status', '=', 'running')
    .execute()
    .catch(() => undefined);
}
