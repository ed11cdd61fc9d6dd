// `localdesk import-from <zendesk|freshdesk|helpscout|csv> …`: runs an import job in this process,
// on the data folder, whether or not a server is running on it (SQLite lets both write; each
// batch is a short transaction). The job is a row like the API's, so a running server lists it
// with its progress. Killed or stopped (Ctrl+C), the same command continues where it stopped.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { ImportCreate } from '../../common/contract/imports.ts';
import type { ImportRow } from '../../db/schema.ts';
import { nowIso, systemClock } from '../core/clock.ts';
import { loadConfig } from '../core/config.ts';
import { AppError } from '../core/errors.ts';
import { AttachmentStore } from '../domain/attachments/attachments.store.ts';
import { type Ctx, systemContext } from '../domain/context.ts';
import { insertImportJob } from '../domain/imports/imports.service.ts';
import { type JobOptions, accountOf, finishImport, presentImport } from '../domain/imports/jobs.ts';
import { interruptedCommand, processAlive, resumable } from '../domain/imports/recover.ts';
import { runImport } from '../domain/imports/run.ts';
import type { Credentials } from '../domain/imports/sources.ts';
import { csv } from '../domain/imports/sources/csv.ts';
import { ImportSourceError } from '../domain/imports/sources/types.ts';
import { progressView, summary } from './progress.ts';
import { openData, UsageError } from './shared.ts';

export const importFromUsage = `  localdesk import-from zendesk --url BASE --email EMAIL --token TOKEN [--dry-run] [--full] [--data DIR]
  localdesk import-from freshdesk --url BASE --api-key KEY [--dry-run] [--full] [--data DIR]
  localdesk import-from helpscout [--url BASE] --app-id ID --app-secret SECRET [--dry-run] [--full] [--data DIR]
  localdesk import-from csv FILE [--map MAPPING.json] [--dry-run] [--full] [--data DIR]
                                                another helpdesk's tickets, users and contacts;
                                                again later: only what changed since`;

interface Plan {
  source: ImportRow['source'];
  options: JobOptions;
  credentials: Credentials | null;
}

function need(values: Record<string, string | boolean | undefined>, source: string, flags: string[]): void {
  const missing = flags.filter((f) => typeof values[f] !== 'string' || values[f] === '');
  if (missing.length > 0) throw new UsageError(`import-from ${source} needs ${missing.map((f) => `--${f}`).join(' and ')}`);
}

/** The same checks as POST /imports, so a bad address or URL is refused before anything runs. */
function checked(body: Record<string, unknown>): void {
  const parsed = ImportCreate.safeParse(body);
  if (!parsed.success) {
    const flag = (path: PropertyKey[]) => `--${String(path[0] ?? '').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
    throw new UsageError(parsed.error.issues.map((i) => `${flag(i.path)}: ${i.message}`).join('; '));
  }
}

async function plan(source: string | undefined, positionals: string[], values: Record<string, string | boolean | undefined>): Promise<Plan> {
  const url = typeof values.url === 'string' ? values.url : undefined;
  switch (source) {
    case 'zendesk':
      need(values, source, ['url', 'email', 'token']);
      checked({ source, url, email: values.email, token: values.token });
      return { source, options: { url, email: String(values.email).trim().toLowerCase() }, credentials: { token: String(values.token) } };
    case 'freshdesk':
      need(values, source, ['url', 'api-key']);
      checked({ source, url, apiKey: values['api-key'] });
      return { source, options: { url }, credentials: { apiKey: String(values['api-key']) } };
    case 'helpscout': {
      need(values, source, ['app-id', 'app-secret']);
      const base = url ?? 'https://api.helpscout.net';
      checked({ source, url: base, appId: values['app-id'], appSecret: values['app-secret'] });
      return { source, options: { url: base, appId: String(values['app-id']) }, credentials: { appSecret: String(values['app-secret']) } };
    }
    case 'csv': {
      const [file, ...extra] = positionals;
      if (!file || extra.length > 0) throw new UsageError('import-from csv needs one FILE');
      if (!existsSync(file)) throw new UsageError(`no such file: ${file}`);
      const map = typeof values.map === 'string' ? resolve(values.map) : undefined;
      if (map && !existsSync(map)) throw new UsageError(`no such mapping file: ${values.map}`);
      // The mapping goes into the job (the API shows it); a bad one or a wrong column stops here.
      const records = csv.read({ file: resolve(file), mapping: map });
      let mapping: JobOptions['mapping'];
      try {
        await records.next();
        if (map) mapping = JSON.parse(await readFile(map, 'utf8')) as JobOptions['mapping'];
      } catch (err) {
        if (err instanceof ImportSourceError) throw new UsageError(err.message);
        throw err;
      } finally {
        await records.return(undefined);
      }
      return { source, options: { file: resolve(file), fileName: basename(file), ...(mapping ? { mapping } : {}) }, credentials: null };
    }
    default:
      throw new UsageError(`import-from needs a source: zendesk, freshdesk, helpscout or csv (got ${source ?? 'none'})`);
  }
}

export async function importFrom(args: string[]): Promise<number> {
  const { values, positionals: given } = parseArgs({
    args,
    options: {
      data: { type: 'string' },
      url: { type: 'string' },
      email: { type: 'string' },
      token: { type: 'string' },
      'api-key': { type: 'string' },
      'app-id': { type: 'string' },
      'app-secret': { type: 'string' },
      map: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      full: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const [source, ...positionals] = given;
  if (source !== 'csv' && positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`);
  const job = await plan(source, positionals, values);
  const config = loadConfig(process.env, { dataDir: values.data });
  const handle = await openData(config);
  const ctx = systemContext(handle.db, systemClock);
  const dryRun = values['dry-run'] === true;
  try {
    const row = await claimJob(ctx, job, dryRun, values.full === true);
    const view = progressView(process.stderr);
    const controller = new AbortController();
    const stop = () => controller.abort('interrupt');
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    const started = performance.now();
    const finished = await runImport(
      {
        db: handle.db,
        clock: systemClock,
        files: { store: new AttachmentStore(config.dataDir), limitBytes: config.maxAttachmentBytes },
        onChange: (j) => view.update(j), logError: (err) => process.stderr.write(`${(err as Error).stack ?? String(err)}\n`) },
      row.id,
      job.credentials,
      controller.signal,
    ).finally(() => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      view.done();
    });
    const seconds = (performance.now() - started) / 1000;
    const result = presentImport(finished, systemClock.now());
    if (controller.signal.aborted) {
      process.stderr.write(`Stopped ${result.id} at ${result.progress.ticketsDone} tickets; run the same command again to continue.\n`);
      return 130;
    }
    process.stdout.write(summary(result, seconds));
    if (result.status !== 'succeeded') {
      process.stderr.write(`localdesk: the import ${result.status}${result.failure ? `: ${result.failure.message}` : ''}\n`);
      return 1;
    }
    return 0;
  } finally {
    await handle.close();
  }
}

/**
 * The job this command runs: the one it left unfinished for this account (killed, or stopped),
 * continued under the same id with its counts; else a new one, which continues from the
 * account's last import anyway. Refused while another process imports the same account.
 */
async function claimJob(ctx: Ctx, job: Plan, dryRun: boolean, full: boolean): Promise<ImportRow> {
  const { db } = ctx;
  const account = accountOf(job.source, job.options);
  const latest = await db
    .selectFrom('imports')
    .selectAll()
    .where('source', '=', job.source)
    .where('account', '=', account)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .executeTakeFirst();
  if (latest && !dryRun && !full && resumable(latest)) {
    await db
      .updateTable('imports')
      .set({ status: 'queued', owner_pid: process.pid, failure: null, finished_at: null, options: JSON.stringify(job.options) })
      .where('id', '=', latest.id)
      .execute();
    process.stderr.write(`Continuing ${latest.id} where it stopped.\n`);
    return { ...latest, status: 'queued' };
  }
  if (latest && (latest.status === 'queued' || latest.status === 'running') && (latest.origin === 'api' || processAlive(latest.owner_pid))) {
    throw new UsageError(`an import of this ${job.source === 'csv' ? 'file' : 'account'} is already ${latest.status}: ${latest.id}`);
  }
  if (latest && (latest.status === 'queued' || latest.status === 'running')) {
    // Its process is gone but it cannot be continued as it was (a dry run, or --full asked).
    await finishImport(db, latest.id, 'failed', nowIso(systemClock), { code: 'interrupted', message: interruptedCommand });
  }
  try {
    return await insertImportJob(ctx, { source: job.source, options: job.options, dryRun, full, origin: 'cli' });
  } catch (err) {
    if (err instanceof AppError) throw new UsageError(err.message);
    throw err;
  }
}
