// Jobs whose run stopped without finishing (the process was killed, or stopped mid-run). A CSV
// job of the server goes back in the queue and continues from its cursor; a job that read a
// product cannot, because its credentials were only ever in memory: it is marked `interrupted`,
// and starting the import again continues where it stopped (the cursor is kept).
import type { Db, ImportRow } from '../../../db/schema.ts';
import type { Clock } from '../../core/clock.ts';
import { nowIso } from '../../core/clock.ts';
import { finishImport } from './jobs.ts';

/** Whether a process with this id is alive on this machine. */
export function processAlive(pid: number | null): boolean {
  if (pid === null) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export const interruptedByServer =
  'the server stopped while this import ran; credentials are not kept, so start the import again ' +
  '(same account) to continue where it stopped';
export const interruptedCommand = 'the command running this import stopped; run it again to continue where it stopped';

/** At the server's start: its own jobs left unfinished by the previous process. */
export async function recoverServerJobs(db: Db, clock: Clock): Promise<void> {
  const rows = await db.selectFrom('imports').selectAll().where('status', 'in', ['queued', 'running']).where('origin', '=', 'api').execute();
  for (const row of rows) {
    if (row.source === 'csv') {
      await db.updateTable('imports').set({ status: 'queued', owner_pid: null, updated_at: nowIso(clock) }).where('id', '=', row.id).execute();
    } else {
      await finishImport(db, row.id, 'failed', nowIso(clock), { code: 'interrupted', message: interruptedByServer });
    }
  }
}

/** CLI jobs whose process is gone: shown as interrupted (the next `import-from` resumes them). */
export async function markDeadCommands(db: Db, clock: Clock): Promise<void> {
  const rows = await db.selectFrom('imports').select(['id', 'owner_pid']).where('status', 'in', ['queued', 'running']).where('origin', '=', 'cli').execute();
  for (const row of rows) {
    if (processAlive(row.owner_pid)) continue;
    await finishImport(db, row.id, 'failed', nowIso(clock), { code: 'interrupted', message: interruptedCommand });
  }
}

/** A CLI job that stopped without finishing and can be picked up again by the same command. */
export function resumable(row: ImportRow): boolean {
  if (row.origin !== 'cli' || row.dry_run === 1) return false;
  if (row.status === 'running' || row.status === 'queued') return !processAlive(row.owner_pid);
  return row.status === 'failed' && row.failure !== null && (JSON.parse(row.failure) as { code: string }).code === 'interrupted';
}
