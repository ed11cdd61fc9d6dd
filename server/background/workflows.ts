// The workflow engine: follows the event feed in commit order and runs the workflows each event
// triggers. A durable cursor (event_cursors 'workflows') records how far it has got, so events
// committed while the server was stopped are processed at the next start.
import { type Kysely, sql } from 'kysely';
import type { Database, EventRow, TicketRow } from '../../db/schema.ts';
import type { BackgroundTask } from '../app.ts';
import { nowIso } from '../core/clock.ts';
import type { Deps } from '../deps.ts';
import type { Actor } from '../domain/events/events.record.ts';
import { applyMacroIn } from '../domain/macros/macros.service.ts';
import { applyTicketChanges, loadTicket, type TicketChanges } from '../domain/tickets/tickets.changes.ts';
import { conditionsHold, lookup } from '../domain/workflows/conditions.ts';
import type { ActionT, WorkflowT } from '../../common/contract/workflows.ts';
import { presentWorkflow } from '../domain/workflows/workflows.service.ts';

/** Workflows triggering workflows stop here: an event this many runs deep triggers nothing. */
export const MAX_WORKFLOW_DEPTH = 5;

const cursorName = 'workflows';
const pageSize = 200;
/** How long a cursor moved only by events that triggered nothing may stay unwritten. */
const lazySaveMs = 100;

type Db = Kysely<Database>;

/** The ticket an event is about: `data.ticket.id`, else `data.ticketId`; null when none. */
export function ticketIdOf(data: unknown): string | null {
  const fromTicket = lookup(data, 'ticket.id');
  if (typeof fromTicket === 'string') return fromTicket;
  const ticketId = lookup(data, 'ticketId');
  return typeof ticketId === 'string' ? ticketId : null;
}

async function tagNamesOf(trx: Db, ticketId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('ticket_tags')
    .innerJoin('tags', 'tags.id', 'ticket_tags.tag_id')
    .select('tags.name')
    .where('ticket_tags.ticket_id', '=', ticketId)
    .execute();
  return rows.map((r) => r.name);
}

/**
 * The part of `wanted` that would change the ticket, or null when nothing would: a run that
 * finds the ticket already as it wants it writes nothing (no updatedAt move, no event).
 */
async function effectiveChanges(trx: Db, ticket: TicketRow, wanted: TicketChanges): Promise<TicketChanges | null> {
  const out: TicketChanges = {};
  if (wanted.status !== undefined && wanted.status !== ticket.status) out.status = wanted.status;
  if (wanted.priority !== undefined && wanted.priority !== ticket.priority) out.priority = wanted.priority;
  if (wanted.assignedTo !== undefined && wanted.assignedTo !== ticket.assigned_to) {
    out.assignedTo = wanted.assignedTo;
  }
  if (wanted.projectId !== undefined && wanted.projectId !== ticket.project_id) {
    out.projectId = wanted.projectId;
  }
  if (wanted.addTags && wanted.addTags.length > 0) {
    const have = new Set(await tagNamesOf(trx, ticket.id));
    const add = wanted.addTags.filter((name) => !have.has(name));
    if (add.length > 0) out.addTags = add;
  }
  return Object.keys(out).length > 0 ? out : null;
}

/**
 * Runs a workflow's actions on one ticket, in order, inside the caller's transaction.
 * Consecutive field actions are applied together (one ticket.updated listing every change);
 * a macro applies the changes before it first, so the order of the list is kept.
 */
async function runActions(
  trx: Db,
  deps: Deps,
  actor: Actor,
  ticketId: string,
  actions: readonly ActionT[],
  now: string,
): Promise<void> {
  let wanted: TicketChanges = {};
  const flush = async () => {
    const ticket = await loadTicket(trx, ticketId);
    const changes = await effectiveChanges(trx, ticket, wanted);
    wanted = {};
    if (changes) await applyTicketChanges(trx, deps.clock, actor, ticket, changes, now);
  };
  for (const [i, action] of actions.entries()) {
    switch (action.type) {
      case 'set_status':
        wanted.status = action.value;
        break;
      case 'set_priority':
        wanted.priority = action.value;
        break;
      case 'assign':
        wanted.assignedTo = action.value;
        break;
      case 'set_project':
        wanted.projectId = action.value;
        break;
      case 'add_tag':
        wanted.addTags = [...(wanted.addTags ?? []), action.value];
        break;
      case 'apply_macro':
        await flush();
        await applyMacroIn(trx, deps.clock, actor, null, ticketId, action.value, `actions.${i}.value`);
        break;
    }
  }
  await flush();
}

function saveCursor(q: Db, seq: number): Promise<unknown> {
  return q
    .insertInto('event_cursors')
    .values({ name: cursorName, seq })
    .onConflict((oc) => oc.column('name').doUpdateSet({ seq }))
    .execute();
}

/** Where the engine left off; on the very first start, the newest event (history is not replayed). */
async function loadCursor(db: Db): Promise<number> {
  const row = await db.selectFrom('event_cursors').select('seq').where('name', '=', cursorName).executeTakeFirst();
  if (row) return row.seq;
  const newest = await db.selectFrom('events').select((eb) => eb.fn.max('seq').as('max')).executeTakeFirst();
  await db
    .insertInto('event_cursors')
    .values({ name: cursorName, seq: Number(newest?.max ?? 0) })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  return loadCursor(db);
}

export function startWorkflowEngine(deps: Deps): BackgroundTask {
  const { db, logger } = deps;
  let cursor: number | null = null; // every event up to this seq has been handled
  let saved = 0; // the cursor as last written
  let stopped = false;
  let chain: Promise<void> = Promise.resolve();

  /** Work runs one item at a time, in the order it was queued. */
  const enqueue = (work: () => Promise<void>) => {
    chain = chain.then(async () => {
      if (stopped) return;
      try {
        await work();
      } catch (err) {
        // Nothing is skipped: the next batch resumes from the cursor.
        logger.error({ err }, 'workflow engine: processing failed; resuming from the cursor later');
      }
    });
  };

  async function ready(): Promise<number> {
    if (cursor === null) {
      cursor = await loadCursor(db);
      saved = cursor;
    }
    return cursor;
  }

  /** The active workflows this event triggers (depth, self-triggering and conditions checked). */
  async function dueWorkflows(event: EventRow, data: unknown): Promise<WorkflowT[]> {
    if (event.workflow_depth >= MAX_WORKFLOW_DEPTH) return [];
    const rows = await db
      .selectFrom('workflows')
      .selectAll()
      .where('trigger', '=', event.type)
      .where('active', '=', 1)
      .orderBy('id')
      .execute();
    const due: WorkflowT[] = [];
    for (const row of rows) {
      if (event.actor_type === 'workflow' && event.actor_id === row.id) continue;
      const wf = parsed(() => presentWorkflow(row), { workflowId: row.id });
      if (wf && conditionsHold(wf.conditions, data)) due.push(wf);
    }
    return due;
  }

  /** JSON that fails to parse (a hand-edited database) is logged and skipped, never retried. */
  function parsed<T>(read: () => T, context: Record<string, string>): T | null {
    try {
      return read();
    } catch (err) {
      logger.error({ err, ...context }, 'workflow engine: unreadable JSON; skipped');
      return null;
    }
  }

  async function processEvent(event: EventRow): Promise<void> {
    const data = parsed(() => JSON.parse(event.data) as unknown, { eventId: event.id });
    const due = data === null ? [] : await dueWorkflows(event, data);
    const ticketId = ticketIdOf(data);
    if (due.length > 0 && ticketId === null) {
      logger.debug({ eventId: event.id }, 'workflow engine: event names no ticket; skipped');
    }
    if (due.length === 0 || ticketId === null) {
      cursor = event.seq;
      return;
    }
    const now = nowIso(deps.clock);
    try {
      // One transaction per event, a savepoint per run: a failing run rolls back alone, and the
      // runs and the cursor commit together, so a crash can neither repeat nor lose a run.
      await db.transaction().execute(async (trx) => {
        for (const wf of due) {
          const actor: Actor = {
            type: 'workflow',
            id: null,
            workflowId: wf.id,
            workflowDepth: event.workflow_depth + 1,
          };
          await sql`savepoint workflow_run`.execute(trx);
          try {
            await runActions(trx, deps, actor, ticketId, wf.actions, now);
            await trx
              .updateTable('workflows')
              .set({ run_count: sql`run_count + 1`, last_run_at: now })
              .where('id', '=', wf.id)
              .execute();
          } catch (err) {
            await sql`rollback to workflow_run`.execute(trx);
            logger.warn(
              { err, workflowId: wf.id, eventId: event.id, ticketId },
              `workflow ${wf.id} failed on event ${event.id} and was rolled back`,
            );
          }
          await sql`release workflow_run`.execute(trx);
        }
        await saveCursor(trx, event.seq);
      });
      saved = event.seq;
      void deps.hub.notify();
    } catch (err) {
      logger.error({ err, eventId: event.id }, 'workflow engine: event could not be processed; skipped');
    }
    cursor = event.seq;
  }

  async function saveIfMoved(): Promise<void> {
    if (cursor !== null && cursor > saved) {
      const seq = cursor;
      await saveCursor(db, seq);
      saved = seq;
    }
  }

  // Events that trigger nothing move the cursor in memory; writing it after every one cost a
  // commit per API write (a third of POST /tickets' SQL time). It is written at most every
  // `lazySaveMs`, and on stop. A crash in between only means those events are looked at again
  // at the next start (a run, by contrast, commits with its cursor and is never repeated).
  let saveTimer: NodeJS.Timeout | null = null;
  function saveSoon(): void {
    if (saveTimer || cursor === null || cursor <= saved) return;
    saveTimer = setTimeout(() => {
      saveTimer = null;
      enqueue(saveIfMoved);
    }, lazySaveMs);
    saveTimer.unref();
  }

  /** Handles events in seq order until stopped. */
  async function processAll(events: readonly EventRow[]): Promise<void> {
    try {
      for (const event of events) {
        if (stopped) break;
        if (event.seq <= (cursor ?? 0)) continue;
        await processEvent(event);
      }
    } finally {
      saveSoon();
    }
  }

  /** Everything after the cursor, read from the database page by page. */
  async function catchUp(): Promise<void> {
    for (;;) {
      const after = await ready();
      const rows = await db
        .selectFrom('events')
        .selectAll()
        .where('seq', '>', after)
        .orderBy('seq')
        .limit(pageSize)
        .execute();
      await processAll(rows);
      if (rows.length < pageSize || stopped) return;
    }
  }

  enqueue(catchUp);
  const unsubscribe = deps.hub.subscribe((batch) =>
    enqueue(async () => {
      const after = await ready();
      const fresh = batch.filter((e) => e.seq > after);
      // A batch that does not start right after the cursor leaves a gap: read it from the db.
      if (fresh[0]?.seq === after + 1) await processAll(fresh);
      else if (fresh.length > 0) await catchUp();
    }),
  );

  return {
    async stop() {
      stopped = true;
      unsubscribe();
      if (saveTimer) clearTimeout(saveTimer);
      await chain; // the event being processed finishes; the rest waits for the next start
      await saveIfMoved().catch((err: unknown) => {
        logger.error({ err }, 'workflow engine: could not save the cursor on stop');
      });
    },
  };
}
