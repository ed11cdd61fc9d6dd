// What a workflow run does: which active workflows an event triggers, and their actions applied
// to the event's ticket with the same rules as every other ticket change. The engine that
// follows the feed and calls this is server/background/workflows.ts.
import type { Db, EventRow, TicketRow } from '../../../db/schema.ts';
import type { WorkflowT } from '../../../common/contract/workflows.ts';
import { type Ctx, workflowActor } from '../context.ts';
import { applyMacro } from '../macros/macros.service.ts';
import { type TicketChanges, applyTicketChanges } from '../tickets/tickets.changes.ts';
import { loadTicket } from '../tickets/tickets.read.ts';
import { tagNamesOf } from '../tags/ticketTags.ts';
import { conditionsHold, lookup } from './conditions.ts';
import { presentWorkflow } from './workflows.service.ts';

/** Workflows triggering workflows stop here: an event this many runs deep triggers nothing. */
export const MAX_WORKFLOW_DEPTH = 5;

/** The ticket an event is about: `data.ticket.id`, else `data.ticketId`; null when none. */
export function ticketIdOf(data: unknown): string | null {
  const fromTicket = lookup(data, 'ticket.id');
  if (typeof fromTicket === 'string') return fromTicket;
  const ticketId = lookup(data, 'ticketId');
  return typeof ticketId === 'string' ? ticketId : null;
}

export interface Triggered {
  workflows: WorkflowT[];
  /** Workflows whose stored JSON could not be read (a hand-edited database): skipped. */
  unreadable: { workflowId: string; error: unknown }[];
}

/** The active workflows this event triggers: depth, self-triggering and conditions checked. */
export async function triggeredWorkflows(db: Db, event: EventRow, data: unknown): Promise<Triggered> {
  const out: Triggered = { workflows: [], unreadable: [] };
  if (event.workflow_depth >= MAX_WORKFLOW_DEPTH) return out;
  const rows = await db
    .selectFrom('workflows')
    .selectAll()
    .where('trigger', '=', event.type)
    .where('active', '=', 1)
    .orderBy('id')
    .execute();
  for (const row of rows) {
    if (event.actor_type === 'workflow' && event.actor_id === row.id) continue;
    let wf: WorkflowT;
    try {
      wf = presentWorkflow(row);
    } catch (error) {
      out.unreadable.push({ workflowId: row.id, error });
      continue;
    }
    if (conditionsHold(wf.conditions, data)) out.workflows.push(wf);
  }
  return out;
}

/** The context a workflow's run acts in: its own actor, one level deeper than the event. */
export function runContext(ctx: Omit<Ctx, 'actor'>, wf: WorkflowT, event: EventRow): Ctx {
  return { db: ctx.db, clock: ctx.clock, actor: workflowActor(wf.id, event.workflow_depth + 1) };
}

/**
 * The part of `wanted` that would change the ticket, or null when nothing would: a run that
 * finds the ticket already as it wants it writes nothing (no updatedAt move, no event).
 */
async function effectiveChanges(db: Db, ticket: TicketRow, wanted: TicketChanges): Promise<TicketChanges | null> {
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
    const have = new Set(await tagNamesOf(db, [ticket.id]));
    const add = wanted.addTags.filter((name) => !have.has(name));
    if (add.length > 0) out.addTags = add;
  }
  return Object.keys(out).length > 0 ? out : null;
}

/**
 * Runs a workflow's actions on one ticket, in order, in the context's transaction, and counts
 * the run. Consecutive field actions are applied together (one ticket.updated listing every
 * change); a macro applies the changes before it first, so the order of the list is kept.
 */
export async function runWorkflow(ctx: Ctx, wf: WorkflowT, ticketId: string, now: string): Promise<void> {
  let wanted: TicketChanges = {};
  const flush = async () => {
    const ticket = await loadTicket(ctx.db, ticketId);
    const changes = await effectiveChanges(ctx.db, ticket, wanted);
    wanted = {};
    if (changes) await applyTicketChanges(ctx, ticket, changes, now);
  };
  for (const [i, action] of wf.actions.entries()) {
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
        await applyMacro(ctx, ticketId, { macroId: action.value }, `actions.${i}.value`);
        break;
    }
  }
  await flush();
  await ctx.db
    .updateTable('workflows')
    .set((eb) => ({ run_count: eb('run_count', '+', 1), last_run_at: now }))
    .where('id', '=', wf.id)
    .execute();
}
