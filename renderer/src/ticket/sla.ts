// What a ticket's SLA means to an agent right now. The server's `sla.breached` is the truth
// (it judges with its own clock); the due times say what is next and how soon.
import type { Ticket } from '../api/types.ts';
import { formatDuration } from './time.ts';

export type SlaTone = 'breached' | 'soon' | 'ok' | 'met';

export interface SlaTarget {
  name: 'First response' | 'Resolution';
  dueAt: string;
  /** When it was met (or, for a first response, when the ticket closed without one). */
  doneAt: string | null;
  state: 'met' | 'missed' | 'overdue' | 'due';
}

/** Due within this long counts as "due soon". */
export const dueSoonMs = 2 * 60 * 60_000;

function target(name: SlaTarget['name'], dueAt: string, doneAt: string | null, now: number): SlaTarget {
  const due = Date.parse(dueAt);
  if (doneAt) return { name, dueAt, doneAt, state: Date.parse(doneAt) > due ? 'missed' : 'met' };
  return { name, dueAt, doneAt, state: now > due ? 'overdue' : 'due' };
}

/** Both targets, with the same rules as the server (a resolved ticket stops both clocks). */
export function slaTargets(ticket: Ticket, now: number): SlaTarget[] {
  return [
    target('First response', ticket.sla.firstResponseDueAt, ticket.firstResponseAt ?? ticket.resolvedAt, now),
    target('Resolution', ticket.sla.resolutionDueAt, ticket.resolvedAt, now),
  ];
}

export interface SlaSummary {
  tone: SlaTone;
  text: string;
  title: string;
}

/** One line for a list row: breached, due soon, on track, or met. */
export function slaSummary(ticket: Ticket, now: number): SlaSummary {
  const targets = slaTargets(ticket, now);
  const next = targets.find((t) => t.doneAt === null);
  if (ticket.sla.breached) {
    const late = targets.find((t) => t.state === 'overdue' || t.state === 'missed');
    const overdue = late?.state === 'overdue' && now > 0 ? ` ${formatDuration(now - Date.parse(late.dueAt))}` : '';
    return {
      tone: 'breached',
      text: late?.state === 'overdue' ? `Overdue${overdue}` : 'Breached',
      title: `SLA breached: ${(late ?? targets[0])?.name.toLowerCase()} ${late?.state === 'overdue' ? 'is overdue' : 'was late'}`,
    };
  }
  if (!next || ticket.status === 'resolved' || ticket.status === 'closed') {
    return { tone: 'met', text: 'Met', title: 'SLA met' };
  }
  const left = Date.parse(next.dueAt) - now;
  if (now > 0 && left <= dueSoonMs) {
    return { tone: 'soon', text: `Due in ${formatDuration(left)}`, title: `${next.name} due soon` };
  }
  return {
    tone: 'ok',
    text: now > 0 ? `Due in ${formatDuration(left)}` : 'On track',
    title: `${next.name} due ${new Date(next.dueAt).toLocaleString()}`,
  };
}
