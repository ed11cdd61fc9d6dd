// Import job rows: what is stored (JSON columns), how a job is presented, and its life:
// queued → running → succeeded | failed | cancelled. The runner (run.ts) writes progress; the
// API and the CLI create, list, read and cancel.
import type { Db, ImportRow, ImportSourceName } from '../../../db/schema.ts';
import type { ImportJobT, ImportRefusalT } from '../../../common/contract/imports.ts';
import type { CsvMappingT } from '../../../common/contract/imports.ts';
import { notFound } from '../../core/errors.ts';
import { Tally, zeroCounts } from './tally.ts';

/** What a job reads, without credentials (those are never stored). */
export interface JobOptions {
  url?: string;
  email?: string;
  appId?: string;
  /** CSV uploaded through the API. */
  fileId?: string;
  /** CSV read by the CLI from its own disk. */
  file?: string;
  fileName?: string;
  mapping?: CsvMappingT;
}

export interface StoredProgress {
  phase: 'users' | 'contacts' | 'tickets' | null;
  ticketsDone: number;
  ticketsEstimated: number | null;
  /** This run (a job resumed after a restart has a new run): its start and tickets, for the rate. */
  runStartedAt: string | null;
  runTickets: number;
  ticketsPerSecond: number | null;
  etaAt: string | null;
  waiting: { reason: 'retry-after' | 'quota' | 'server-error' | 'network'; until: string } | null;
}

export interface JobFailure {
  code: string;
  message: string;
}

interface StoredCounts {
  counts: Tally['counts'];
  skippedReasons: Record<string, number>;
}

export const emptyProgress = (): StoredProgress => ({
  phase: null,
  ticketsDone: 0,
  ticketsEstimated: null,
  runStartedAt: null,
  runTickets: 0,
  ticketsPerSecond: null,
  etaAt: null,
  waiting: null,
});

export function storedCounts(tally: Tally): string {
  const value: StoredCounts = { counts: tally.counts, skippedReasons: tally.skippedReasons };
  return JSON.stringify(value);
}

/** The job's tally so far, to add a run's records to. */
export function tallyOf(row: ImportRow): Tally {
  const stored = JSON.parse(row.counts) as StoredCounts;
  return new Tally({
    counts: { ...zeroCounts(), ...stored.counts },
    skippedReasons: stored.skippedReasons,
    refusals: JSON.parse(row.errors) as ImportRefusalT[],
    refusalCount: row.error_count,
  });
}

export function progressOf(row: ImportRow): StoredProgress {
  return { ...emptyProgress(), ...(JSON.parse(row.progress) as Partial<StoredProgress>) };
}

export function optionsOf(row: ImportRow): JobOptions {
  return JSON.parse(row.options) as JobOptions;
}

export function presentImport(row: ImportRow, now: Date): ImportJobT {
  const tally = tallyOf(row);
  const progress = progressOf(row);
  const options = optionsOf(row);
  const running = row.status === 'running';
  const eta = running && progress.etaAt ? Math.max(0, Math.round((Date.parse(progress.etaAt) - now.getTime()) / 1000)) : null;
  const waiting = running && progress.waiting && Date.parse(progress.waiting.until) > now.getTime() ? progress.waiting : null;
  return {
    id: row.id,
    source: row.source,
    status: row.status,
    dryRun: row.dry_run === 1,
    full: row.full_run === 1,
    origin: row.origin,
    // The CLI's own path is its machine's business; the name is what identifies the file.
    options: {
      ...(options.url !== undefined ? { url: options.url } : {}),
      ...(options.email !== undefined ? { email: options.email } : {}),
      ...(options.appId !== undefined ? { appId: options.appId } : {}),
      ...(options.fileId !== undefined ? { fileId: options.fileId } : {}),
      ...(options.fileName !== undefined ? { fileName: options.fileName } : {}),
      ...(options.mapping !== undefined ? { mapping: options.mapping } : {}),
    },
    counts: tally.counts,
    skippedReasons: tally.skippedReasons,
    errors: tally.refusals,
    errorCount: tally.refusalCount,
    failure: row.failure ? (JSON.parse(row.failure) as JobFailure) : null,
    progress: {
      phase: progress.phase,
      ticketsDone: progress.ticketsDone,
      ticketsEstimated: progress.ticketsEstimated,
      ticketsPerSecond: progress.ticketsPerSecond,
      etaSeconds: eta,
      waiting,
    },
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    updatedAt: row.updated_at,
  };
}

export async function loadImport(db: Db, id: string): Promise<ImportRow> {
  const row = await db.selectFrom('imports').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('import', id);
  return row;
}

/** Which account of the product a job reads: its cursors continue only that account's imports. */
export function accountOf(source: ImportSourceName, options: JobOptions): string {
  if (source === 'csv') return options.fileName ?? '';
  const url = new URL(options.url ?? '');
  const base = `${url.protocol}//${url.host.toLowerCase()}${url.pathname.replace(/\/+$/, '')}`;
  return source === 'helpscout' ? `${base}#${options.appId ?? ''}` : base;
}

/**
 * Where the next import of this account starts: the cursor of its latest real (not dry) job
 * that got anywhere. A finished job's cursor is the product's "changed since" position; an
 * interrupted one's is where it stopped. Either way the next run continues from there.
 */
export async function latestCursor(db: Db, source: ImportSourceName, account: string, exceptId: string): Promise<unknown> {
  const row = await db
    .selectFrom('imports')
    .select('cursor')
    .where('source', '=', source)
    .where('account', '=', account)
    .where('dry_run', '=', 0)
    .where('cursor', 'is not', null)
    .where('id', '!=', exceptId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.cursor ? (JSON.parse(row.cursor) as unknown) : null;
}

/** A queued or running job of the same account (two at once would write the same rows). */
export async function activeImportOf(db: Db, source: ImportSourceName, account: string): Promise<ImportRow | undefined> {
  return db
    .selectFrom('imports')
    .selectAll()
    .where('source', '=', source)
    .where('account', '=', account)
    .where('status', 'in', ['queued', 'running'])
    .orderBy('created_at')
    .executeTakeFirst();
}

/** Marks a job finished, unless something (a cancel) finished it first. */
export async function finishImport(db: Db, id: string, status: 'succeeded' | 'failed' | 'cancelled', now: string, failure: JobFailure | null): Promise<void> {
  await db
    .updateTable('imports')
    .set({ status, finished_at: now, updated_at: now, failure: failure ? JSON.stringify(failure) : null, owner_pid: null })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .execute();
}
