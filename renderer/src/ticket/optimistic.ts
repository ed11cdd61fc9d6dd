// The optimistic-update reducer: what a ticket looks like right after the agent changes it,
// before the server answers, and how to undo exactly that change if the server refuses it.
// Pure, so it is unit-tested.
import type { Ticket, TicketPatchBody } from '../api/types.ts';

export interface TicketChange {
  status?: Ticket['status'];
  priority?: Ticket['priority'];
  assignedTo?: string | null;
  projectId?: string | null;
  /** Replaces the whole tag set. */
  tags?: string[];
  addTags?: string[];
  removeTags?: string[];
}

type Field = keyof Ticket;

/** The ticket fields a change writes (status also moves resolvedAt). */
export function fieldsOf(change: TicketChange): Field[] {
  const fields: Field[] = [];
  if (change.status !== undefined) fields.push('status', 'resolvedAt');
  if (change.priority !== undefined) fields.push('priority');
  if (change.assignedTo !== undefined) fields.push('assignedTo');
  if (change.projectId !== undefined) fields.push('projectId');
  if (change.tags !== undefined || change.addTags || change.removeTags) fields.push('tags');
  return fields;
}

/** Tag names the way the server keeps them: trimmed, lower-case, unique, sorted. */
export function normalizeTags(names: readonly string[]): string[] {
  return [...new Set(names.map((n) => n.trim().toLowerCase()).filter(Boolean))].sort();
}

/**
 * The ticket with the change applied, as the server will present it: resolving or closing
 * sets resolvedAt (kept if set), reopening clears it; tags stay sorted. `now` stamps a new
 * resolvedAt (the server's time is not known here; the refetch replaces it).
 */
export function applyChange<T extends Ticket>(ticket: T, change: TicketChange, now: string): T {
  const next: T = { ...ticket };
  if (change.status !== undefined) {
    next.status = change.status;
    const done = change.status === 'resolved' || change.status === 'closed';
    next.resolvedAt = done ? (ticket.resolvedAt ?? now) : null;
  }
  if (change.priority !== undefined) next.priority = change.priority;
  if (change.assignedTo !== undefined) next.assignedTo = change.assignedTo;
  if (change.projectId !== undefined) next.projectId = change.projectId;
  let tags = change.tags !== undefined ? normalizeTags(change.tags) : ticket.tags;
  if (change.addTags) tags = normalizeTags([...tags, ...change.addTags]);
  if (change.removeTags) {
    const removed = new Set(normalizeTags(change.removeTags));
    tags = tags.filter((t) => !removed.has(t));
  }
  if (tags !== ticket.tags) next.tags = tags;
  return next;
}

/** True when applying the change would alter nothing the agent can see. */
export function isNoop(ticket: Ticket, change: TicketChange): boolean {
  const after = applyChange(ticket, change, ticket.updatedAt);
  return fieldsOf(change).every((f) => JSON.stringify(after[f]) === JSON.stringify(ticket[f]));
}

/**
 * Undoes a refused change: each field it wrote goes back to its value before, but only while
 * the field still shows the optimistic value; a field that has moved on since (a refetch, a
 * later change) is left alone.
 */
export function rollbackChange<T extends Ticket>(current: T, before: Ticket, change: TicketChange, optimistic: Ticket): T {
  const next: T = { ...current };
  let changed = false;
  for (const field of fieldsOf(change)) {
    if (JSON.stringify(current[field]) !== JSON.stringify(optimistic[field])) continue;
    Object.assign(next, { [field]: before[field] });
    changed = true;
  }
  return changed ? next : current;
}

/** The PATCH body of a change; add/remove become the whole tag set, which PATCH takes. */
export function toPatchBody(ticket: Ticket, change: TicketChange): TicketPatchBody {
  const body: TicketPatchBody = {};
  if (change.status !== undefined) body.status = change.status;
  if (change.priority !== undefined) body.priority = change.priority;
  if (change.assignedTo !== undefined) body.assignedTo = change.assignedTo;
  if (change.projectId !== undefined) body.projectId = change.projectId;
  if (change.tags !== undefined || change.addTags || change.removeTags) {
    body.tags = applyChange(ticket, { tags: change.tags, addTags: change.addTags, removeTags: change.removeTags }, ticket.updatedAt).tags;
  }
  return body;
}

/** A list page with the change applied to the given tickets; the same array if none is there. */
export function applyToRows(rows: readonly Ticket[], ids: ReadonlySet<string>, change: TicketChange, now: string): Ticket[] {
  let touched = false;
  const next = rows.map((row) => {
    if (!ids.has(row.id)) return row;
    touched = true;
    return applyChange(row, change, now);
  });
  return touched ? next : (rows as Ticket[]);
}
