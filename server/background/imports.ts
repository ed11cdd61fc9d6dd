// The import runner: runs the jobs started through the API one at a time, oldest first, beside
// the requests. What a run does is in server/domain/imports/run.ts. Stopping the server
// interrupts the running job; at the next start it continues (CSV) or is marked interrupted
// (a product's API: its credentials were only in memory). Jobs of `localdesk import-from` run in
// that command's own process; the runner only notices when such a process has died.
import { dialectName } from '../../db/dialect.ts';
import type { Deps } from '../deps.ts';
import { sweepImportFiles } from '../domain/imports/files.ts';
import { markDeadCommands, recoverServerJobs } from '../domain/imports/recover.ts';
import { runImport } from '../domain/imports/run.ts';
import type { BackgroundTask } from './task.ts';

const sweepEveryMs = 60_000;

export function startImportRunner(deps: Deps): BackgroundTask {
  const { db, clock, logger, imports: queue } = deps;
  const shared = dialectName(db) === 'postgres';
  let stopped = false;
  let current: { id: string; controller: AbortController; done: Promise<void> } | null = null;
  let chain: Promise<void> = Promise.resolve();

  const logError = (err: unknown, jobId: string) => logger.error({ err, importId: jobId }, 'import failed');

  async function pump(): Promise<void> {
    if (stopped || current) return;
    let queued = db.selectFrom('imports').select('id').where('status', '=', 'queued').where('origin', '=', 'api');
    if (shared) {
      // Other servers' jobs are theirs to run (ImportQueue.mine).
      const mine = queue.mine;
      if (mine.length === 0) return;
      queued = queued.where('id', 'in', mine);
    }
    const next = await queued.orderBy('created_at').orderBy('id').executeTakeFirst();
    if (!next || stopped || current) return;
    const controller = new AbortController();
    queue.started(next.id, controller);
    const run = runImport(
      { db, clock, files: { store: deps.attachments, limitBytes: deps.config.maxAttachmentBytes }, notify: () => void deps.hub.notify(), logError },
      next.id,
      queue.take(next.id),
      controller.signal,
    );
    current = {
      id: next.id,
      controller,
      done: run
        .then(() => undefined, (err: unknown) => logError(err, next.id))
        .finally(() => {
          queue.ended(next.id);
          current = null;
          schedule(async () => {
            await sweepImportFiles(db, clock.now());
            await pump();
          });
        }),
    };
  }

  /** Runner work happens one step at a time; a failing step is logged, never fatal. */
  function schedule(step: () => Promise<void>): void {
    chain = chain.then(async () => {
      if (stopped) return;
      try {
        await step();
      } catch (err) {
        logger.error({ err }, 'import runner step failed');
      }
    });
  }

  // Recovery decides by process ids, which mean nothing on another machine: servers sharing a
  // PostgreSQL database leave unfinished jobs as they are (an admin cancels and restarts one
  // whose server stopped), rather than take over or fail another server's running job.
  schedule(async () => {
    if (!shared) {
      await recoverServerJobs(db, clock);
      await markDeadCommands(db, clock);
    }
    await sweepImportFiles(db, clock.now());
    await pump();
  });
  queue.onSubmit(() => schedule(pump));
  const sweeper = setInterval(() => schedule(() => (shared ? Promise.resolve() : markDeadCommands(db, clock))), sweepEveryMs);
  sweeper.unref();

  return {
    async stop() {
      stopped = true;
      clearInterval(sweeper);
      queue.onSubmit(null);
      const running = current;
      running?.controller.abort('interrupt');
      await chain;
      await running?.done;
    },
  };
}
