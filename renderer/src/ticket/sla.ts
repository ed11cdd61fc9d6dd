// What a ticket's SLA means to an agent right now. The server's `sla.breached` is the truth
// (it judges with its own clock); the due times say what is next and how soon.
import type { Ticket } from '../api/types.ts';
import { dueSoonMinutes, slaTargets } from '../../../common/rules/sla.ts';
import { formatDuration } from './time.ts';

export type SlaTone = 'breached' | 'soon' | 'ok' | 'met';

export { type SlaTarget, slaTargets } from '../../../common/rules/sla.ts';

/** Due within this long counts as "due soon" (the same window as the API's `sla=due-soon`). */
export const dueSoonMs = dueSoonMinutes * 60_000;

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
