// A ticket's history as the thread shows it: each ticket event from the feed becomes one line
// ("Maya set status to resolved"), with the value before taken from the event before it (events
// carry the ticket as it is after the change). Pure, so it is unit-tested.
import type { FeedEvent } from '../api/types.ts';
import type { Ticket } from '../api/types.ts';

export const shownFields = ['status', 'priority', 'assignedTo', 'projectId', 'tags', 'subject'] as const;
export type ShownField = (typeof shownFields)[number];

export interface FieldChange {
  field: ShownField;
  from: unknown;
  to: unknown;
}

/**
 * Team sync: a change queued offline that reached the host after someone else's change of the
 * same field, and lost (the event's actor is the one whose change lost).
 */
export interface Overtaken {
  field: string;
  yourValue: unknown;
  theirValue: unknown;
  byUserId: string | null;
  byName: string | null;
}

export interface ActivityItem {
  id: string;
  at: string;
  actor: FeedEvent['actor'];
  kind: 'created' | 'changed' | 'merged' | 'overtaken';
  changes: FieldChange[];
  /** For a merge: the tickets merged in. */
  sourceIds: string[];
  /** For a change that lost to another (team sync). */
  overtaken?: Overtaken;
}

function ticketOf(event: FeedEvent): Ticket | null {
  const data = event.data as { ticket?: Ticket } | null;
  return data && typeof data.ticket === 'object' && data.ticket !== null ? data.ticket : null;
}

/** Events (any order) → the activity lines, oldest first. Creation is not a line: the first message says it. */
export function activityFromEvents(events: readonly FeedEvent[]): ActivityItem[] {
  const ordered = [...events].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  const items: ActivityItem[] = [];
  let before: Ticket | null = null;
  for (const event of ordered) {
    const after = ticketOf(event);
    if (event.type === 'ticket.updated' && after) {
      const named = ((event.data as { changes?: string[] }).changes ?? []) as string[];
      const changes = shownFields
        .filter((field) => named.includes(field))
        .map((field) => ({ field, from: before ? before[field] : undefined, to: after[field] }));
      if (changes.length > 0) items.push({ id: event.id, at: event.createdAt, actor: event.actor, kind: 'changed', changes, sourceIds: [] });
    } else if (event.type === 'ticket.change_overtaken') {
      const data = (event.data ?? {}) as Partial<Overtaken>;
      if (typeof data.field === 'string') {
        const overtaken: Overtaken = {
          field: data.field,
          yourValue: data.yourValue,
          theirValue: data.theirValue,
          byUserId: typeof data.byUserId === 'string' ? data.byUserId : null,
          byName: typeof data.byName === 'string' ? data.byName : null,
        };
        items.push({ id: event.id, at: event.createdAt, actor: event.actor, kind: 'overtaken', changes: [], sourceIds: [], overtaken });
      }
    } else if (event.type === 'ticket.merged') {
      const sourceIds = ((event.data as { sourceIds?: string[] }).sourceIds ?? []) as string[];
      items.push({ id: event.id, at: event.createdAt, actor: event.actor, kind: 'merged', changes: [], sourceIds });
    }
    if (after) before = after;
  }
  return items;
}

/** Tags added and removed between two tag lists. */
export function tagDiff(from: unknown, to: unknown): { added: string[]; removed: string[] } {
  const a = Array.isArray(from) ? (from as string[]) : [];
  const b = Array.isArray(to) ? (to as string[]) : [];
  return { added: b.filter((t) => !a.includes(t)), removed: a.filter((t) => !b.includes(t)) };
}

const fieldWords: Record<string, string> = { assignedTo: 'assignee', projectId: 'project' };

/**
 * "Your change of priority to high was overtaken by Ada's urgent". `whose` is "Your" when the
 * reader made the lost change, else that person's name with "'s"; `value` names a value
 * (an agent or project id → its name).
 */
export function overtakenText(o: Overtaken, whose: string, byName: string, value: (field: string, v: unknown) => string): string {
  const field = fieldWords[o.field] ?? o.field;
  return `${whose} change of ${field} to ${value(o.field, o.yourValue)} was overtaken by ${byName}’s ${value(o.field, o.theirValue)}`;
}
