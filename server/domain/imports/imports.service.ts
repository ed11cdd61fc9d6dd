// Import jobs through the API: start one (credentials go to the runner in memory, the rest to
// the job's row), list them, read one with its progress, cancel one.
import type { ImportRow } from '../../../db/schema.ts';
import type { ListPage } from '../../../common/contract/base.ts';
import type { ImportCreateInput, ImportJobT, ImportListParams } from '../../../common/contract/imports.ts';
import { nowIso } from '../../core/clock.ts';
import { badRequest, conflict, invalidField } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { countRows } from '../../../db/queries/count.ts';
import type { Ctx } from '../context.ts';
import { csv } from './sources/csv.ts';
import { ImportSourceError } from './sources/types.ts';
import { type JobOptions, accountOf, activeImportOf, emptyProgress, loadImport, presentImport, storedCounts } from './jobs.ts';
import type { ImportQueue } from './queue.ts';
import type { Credentials } from './sources.ts';
import { Tally } from './tally.ts';

/** What a job reads and with what, split into what is stored and what is only held for the run. */
function split(input: ImportCreateInput, fileName: string | undefined): { options: JobOptions; credentials: Credentials | null } {
  switch (input.source) {
    case 'zendesk':
      return { options: { url: input.url, email: input.email }, credentials: { token: input.token } };
    case 'freshdesk':
      return { options: { url: input.url }, credentials: { apiKey: input.apiKey } };
    case 'helpscout':
      return { options: { url: input.url, appId: input.appId }, credentials: { appSecret: input.appSecret } };
    case 'csv':
      return { options: { fileId: input.fileId, fileName, ...(input.mapping ? { mapping: input.mapping } : {}) }, credentials: null };
  }
}

/** A mapping that names columns the file lacks is refused now, not after the job has started. */
async function checkCsv(file: string, mapping: ImportCreateInput & { source: 'csv' }): Promise<void> {
  const records = csv.read({ file, mapping: mapping.mapping });
  try {
    await records.next();
  } catch (err) {
    if (err instanceof ImportSourceError) throw badRequest(`invalid body: ${err.message}`, [{ path: 'mapping', message: err.message }]);
    throw err;
  } finally {
    await records.return(undefined);
  }
}

export interface NewJob {
  source: ImportRow['source'];
  options: JobOptions;
  dryRun: boolean;
  full: boolean;
  origin: ImportRow['origin'];
}

/** Inserts a queued job, refusing a second one for an account that has one queued or running. */
export async function insertImportJob(ctx: Ctx, job: NewJob): Promise<ImportRow> {
  const account = accountOf(job.source, job.options);
  const active = await activeImportOf(ctx.db, job.source, account);
  if (active) {
    throw conflict(`an import from this ${job.source === 'csv' ? 'file' : 'account'} is already ${active.status}: ${active.id}`, { importId: active.id });
  }
  const now = nowIso(ctx.clock);
  const row: ImportRow = {
    id: newId('import', ctx.clock),
    source: job.source,
    account,
    status: 'queued',
    dry_run: job.dryRun ? 1 : 0,
    full_run: job.full ? 1 : 0,
    origin: job.origin,
    owner_pid: job.origin === 'cli' ? process.pid : null,
    options: JSON.stringify(job.options),
    cursor: null,
    counts: storedCounts(new Tally()),
    errors: '[]',
    error_count: 0,
    failure: null,
    progress: JSON.stringify(emptyProgress()),
    created_by: ctx.actor.userId,
    created_at: now,
    started_at: null,
    finished_at: null,
    updated_at: now,
  };
  await ctx.db.insertInto('imports').values(row).execute();
  return row;
}

export async function createImport(ctx: Ctx, input: ImportCreateInput, queue: ImportQueue): Promise<ImportJobT> {
  let fileName: string | undefined;
  if (input.source === 'csv') {
    const file = await ctx.db.selectFrom('import_files').select(['name', 'path']).where('id', '=', input.fileId).executeTakeFirst();
    if (!file) throw invalidField('fileId', `no uploaded file ${input.fileId} (upload it with POST /imports/files; uploads are kept a day)`);
    fileName = file.name;
    await checkCsv(file.path, input);
  }
  const { options, credentials } = split(input, fileName);
  const row = await insertImportJob(ctx, { source: input.source, options, dryRun: input.dryRun, full: input.full, origin: 'api' });
  queue.submit(row.id, credentials);
  return presentImport(row, ctx.clock.now());
}

export async function listImports(ctx: Ctx, params: ImportListParams): Promise<ListPage<ImportJobT>> {
  let where = ctx.db.selectFrom('imports');
  if (params.status) where = where.where('status', 'in', params.status);
  if (params.source) where = where.where('source', 'in', params.source);
  const total = await countRows(where);
  const rows = await where
    .selectAll()
    .orderBy('created_at', params.sortOrder)
    .orderBy('id', params.sortOrder)
    .limit(params.limit)
    .offset(params.offset)
    .execute();
  const now = ctx.clock.now();
  return { data: rows.map((r) => presentImport(r, now)), meta: { total, limit: params.limit, offset: params.offset } };
}

export async function getImport(ctx: Ctx, id: string): Promise<ImportJobT> {
  return presentImport(await loadImport(ctx.db, id), ctx.clock.now());
}

/**
 * Stops a queued or running job: what it committed stays (it is consistent, and a later import
 * of the account continues after it). A finished job cannot be cancelled (409).
 */
export async function cancelImport(ctx: Ctx, id: string, queue: ImportQueue): Promise<ImportJobT> {
  const row = await loadImport(ctx.db, id);
  if (row.status !== 'queued' && row.status !== 'running') {
    throw conflict(`import ${id} has already ${row.status === 'cancelled' ? 'been cancelled' : row.status}`, { status: row.status });
  }
  const now = nowIso(ctx.clock);
  await ctx.db
    .updateTable('imports')
    .set({ status: 'cancelled', finished_at: now, updated_at: now, owner_pid: null })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .execute();
  // The run in this process stops now; one in another process (the CLI) at its next batch.
  queue.cancel(id);
  return getImport(ctx, id);
}

