// The workflow engine: follows the event feed in commit order (a durable cursor, 'workflows')
// and runs the workflows each event triggers, so events committed while the server was stopped
// are processed at the next start. What a run does is in server/domain/workflows/.
import { sql } from 'kysely';
import type { EventRow } from '../../db/schema.ts';
import { nowIso } from '../core/clock.ts';
import type { Deps } from '../deps.ts';
import { runContext, runWorkflow, ticketIdOf, triggeredWorkflows } from '../domain/workflows/workflows.run.ts';
import { type CursorWork, startFollower } from './follower.ts';
import type { BackgroundTask } from './task.ts';

export function startWorkflowEngine(deps: Deps): BackgroundTask {
  const { db, clock, logger } = deps;

  async function handle(event: EventRow): Promise<CursorWork | null> {
    let data: unknown;
    try {
      data = JSON.parse(event.data) as unknown;
    } catch (err) {
      // JSON that fails to parse (a hand-edited database) is logged and skipped, never retried.
      logger.error({ err, eventId: event.id }, 'workflow engine: unreadable JSON; skipped');
      return null;
    }
    const { workflows, unreadable } = await triggeredWorkflows(db, event, data);
    for (const { workflowId, error } of unreadable) {
      logger.error({ err: error, workflowId }, 'workflow engine: unreadable JSON; skipped');
    }
    const ticketId = ticketIdOf(data);
    if (workflows.length > 0 && ticketId === null) {
      logger.debug({ eventId: event.id }, 'workflow engine: event names no ticket; skipped');
    }
    if (workflows.length === 0 || ticketId === null) return null;
    const now = nowIso(clock);
    // One transaction per event (with the cursor), a savepoint per run: a failing run rolls
    // back alone, so a crash can neither repeat nor lose a run.
    return async (trx) => {
      for (const wf of workflows) {
        await sql`savepoint workflow_run`.execute(trx);
        try {
          await runWorkflow(runContext({ db: trx, clock }, wf, event), wf, ticketId, now);
        } catch (err) {
          await sql`rollback to workflow_run`.execute(trx);
          logger.warn(
            { err, workflowId: wf.id, eventId: event.id, ticketId },
            `workflow ${wf.id} failed on event ${event.id} and was rolled back`,
          );
        }
        await sql`release workflow_run`.execute(trx);
      }
    };
  }

  // Runs commit events of their own: let streams, webhooks and later workflows see them.
  return startFollower(deps, { name: 'workflows', handle, committed: () => void deps.hub.notify() });
}
