// What a ticket's SLA means at a moment: the one definition, used by the renderer (badges,
// countdowns), the desktop notifier and, as SQL with the same meaning, by the server's reads and
// its `sla` filter (server/domain/sla/sla.sql.ts; a test checks the two agree case by case).
//
// - first response: met when an agent replied (or the ticket was resolved) by its due time;
// - resolution: met when the ticket was resolved or closed by its due time;
// - breached: either target was missed, or is overdue now;
// - due soon: open or pending, not breached, and the next unmet target falls due within
//   `dueSoonMinutes`.
import { type TicketStatus, isDone } from './tickets.ts';

/** Due within this many minutes counts as "due soon". */
export const dueSoonMinutes = 120;

/** The fields of a ticket (as the API presents it) that its SLA depends on. */
export interface SlaClock {
  status: TicketStatus;
  firstResponseAt: string | null;
  resolvedAt: string | null;
  sla: { firstResponseDueAt: string; resolutionDueAt: string };
}

export interface SlaTarget {
  name: 'First response' | 'Resolution';
  dueAt: string;
  /** When it was met (or, for a first response, when the ticket closed without one). */
  doneAt: string | null;
  state: 'met' | 'missed' | 'overdue' | 'due';
}

function target(name: SlaTarget['name'], dueAt: string, doneAt: string | null, now: number): SlaTarget {
  const due = Date.parse(dueAt);
  if (doneAt) return { name, dueAt, doneAt, state: Date.parse(doneAt) > due ? 'missed' : 'met' };
  return { name, dueAt, doneAt, state: now > due ? 'overdue' : 'due' };
}

/** Both targets at `now` (ms since the epoch); a resolved ticket stops both clocks. */
export function slaTargets(ticket: SlaClock, now: number): SlaTarget[] {
  return [
    target('First response', ticket.sla.firstResponseDueAt, ticket.firstResponseAt ?? ticket.resolvedAt, now),
    target('Resolution', ticket.sla.resolutionDueAt, ticket.resolvedAt, now),
  ];
}

export type SlaState = 'breached' | 'due-soon' | 'on-track' | 'met';

/** The ticket's SLA in one word at `now`: what the `sla` filter and the list badges mean. */
export function slaState(ticket: SlaClock, now: number): SlaState {
  const targets = slaTargets(ticket, now);
  if (targets.some((t) => t.state === 'missed' || t.state === 'overdue')) return 'breached';
  const next = targets.find((t) => t.doneAt === null);
  if (!next || isDone(ticket.status)) return 'met';
  return Date.parse(next.dueAt) - now <= dueSoonMinutes * 60_000 ? 'due-soon' : 'on-track';
}
