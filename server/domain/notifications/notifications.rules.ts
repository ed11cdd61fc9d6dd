// What deserves a notification, and for whom. Read by the notifier (server/background/
// notifications.ts), which follows the event feed and commits what these return with its cursor:
// - assigned: ticket.created assigned to someone, or ticket.updated whose assignedTo changed,
//   by anyone but that person themselves (a workflow's assignment counts);
// - customer_replied: a customer message on a ticket assigned to someone (not the message a
//   ticket starts with);
// - mentioned: @someone in an internal note (common/rules/mentions.ts), not by themselves;
// - sla_due: a ticket assigned to someone falls due within 2 hours (dueSoonSlaNotifications),
//   once per ticket, person and due time.
import type { EventRow, NotificationKind, NotificationRow } from '../../../db/schema.ts';
import type { Clock } from '../../core/clock.ts';
import { addMinutes, nowIso } from '../../core/clock.ts';
import { newId } from '../../core/ids.ts';
import type { Db } from '../../../db/schema.ts';
import { mentionedUsers } from '../../../common/rules/mentions.ts';
import { dueSoonMinutes } from '../../../common/rules/sla.ts';
import { ticketsFallingDue } from '../sla/sla.sql.ts';
import { usersWanting } from './notifications.service.ts';

interface TicketRef {
  id: string;
  number: number;
  subject: string;
  assignedTo: string | null;
}

const excerpt = (text: string, max = 140) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

const titleOf = (t: TicketRef) => `#${t.number} ${t.subject}`;

async function nameOf(db: Db, userId: string | null): Promise<string | null> {
  if (!userId) return null;
  const row = await db.selectFrom('users').select('name').where('id', '=', userId).executeTakeFirst();
  return row?.name ?? null;
}

async function ticketRef(db: Db, id: string): Promise<TicketRef | null> {
  const row = await db
    .selectFrom('tickets')
    .select(['id', 'number', 'subject', 'assigned_to'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? { id: row.id, number: row.number, subject: row.subject, assignedTo: row.assigned_to } : null;
}

function notification(
  clock: Clock,
  fields: { userId: string; kind: NotificationKind; ticket: TicketRef; body: string; actor: string | null; event?: EventRow; dedupeKey?: string },
): NotificationRow {
  return {
    id: newId('notification', clock),
    user_id: fields.userId,
    kind: fields.kind,
    ticket_id: fields.ticket.id,
    title: titleOf(fields.ticket),
    body: fields.body,
    actor_user_id: fields.actor,
    event_id: fields.event?.id ?? null,
    dedupe_key: fields.dedupeKey ?? null,
    created_at: nowIso(clock),
    read_at: null,
  };
}

interface TicketData {
  ticket?: { id?: string; number?: number; subject?: string; assignedTo?: string | null };
  changes?: string[];
}
interface MessageData {
  ticketId?: string | null;
  message?: { id?: string; body?: string; sender?: string; internal?: boolean; authorId?: string | null };
}

/** The notifications an event causes, for the people who want that kind. */
export async function notificationsFor(db: Db, clock: Clock, event: EventRow): Promise<NotificationRow[]> {
  const actor = event.actor_user_id;
  const out: NotificationRow[] = [];
  if (event.type === 'ticket.created' || event.type === 'ticket.updated') {
    const data = JSON.parse(event.data) as TicketData;
    const assignee = data.ticket?.assignedTo ?? null;
    const assignedNow = event.type === 'ticket.created' || (data.changes ?? []).includes('assignedTo');
    if (!assignee || !assignedNow || assignee === actor || !data.ticket?.id) return out;
    const ticket = await ticketRef(db, data.ticket.id);
    if (!ticket) return out;
    const by = (await nameOf(db, actor)) ?? (event.actor_type === 'workflow' ? 'A workflow' : 'Someone');
    out.push(notification(clock, { userId: assignee, kind: 'assigned', ticket, body: `${by} assigned this ticket to you`, actor, event }));
  } else if (event.type === 'message.created') {
    const data = JSON.parse(event.data) as MessageData;
    const message = data.message;
    if (!data.ticketId || !message?.body) return out;
    const ticket = await ticketRef(db, data.ticketId);
    if (!ticket) return out;
    if (message.sender === 'customer' && ticket.assignedTo) {
      const first = await db
        .selectFrom('messages')
        .select('id')
        .where('ticket_id', '=', ticket.id)
        .orderBy('created_at')
        .orderBy('id')
        .limit(1)
        .executeTakeFirst();
      if (first?.id !== message.id) {
        out.push(notification(clock, {
          userId: ticket.assignedTo,
          kind: 'customer_replied',
          ticket,
          body: `The customer replied: ${excerpt(message.body)}`,
          actor: null,
          event,
        }));
      }
    } else if (message.internal && message.sender === 'agent') {
      const author = message.authorId ?? actor;
      const team = await db.selectFrom('users').select(['id', 'name', 'email']).where('active', '=', 1).execute();
      const by = (await nameOf(db, author)) ?? 'A teammate';
      for (const user of mentionedUsers(message.body, team)) {
        if (user.id === author) continue;
        out.push(notification(clock, { userId: user.id, kind: 'mentioned', ticket, body: `${by} mentioned you: ${excerpt(message.body)}`, actor: author, event }));
      }
    }
  }
  return keepWanted(db, out);
}

/** Tickets assigned to someone whose next due time falls within the coming 2 hours. */
export async function dueSoonSlaNotifications(db: Db, clock: Clock): Promise<NotificationRow[]> {
  const now = nowIso(clock);
  const due = await ticketsFallingDue(db, now, addMinutes(now, dueSoonMinutes));
  const out: NotificationRow[] = [];
  for (const t of due) {
    if (!t.assignedTo) continue;
    const minutes = Math.max(1, Math.round((Date.parse(t.dueAt) - clock.now().getTime()) / 60_000));
    out.push(notification(clock, {
      userId: t.assignedTo,
      kind: 'sla_due',
      ticket: t,
      body: `${t.target} is due in ${minutes} minute${minutes === 1 ? '' : 's'}`,
      actor: null,
      dedupeKey: `sla_due:${t.assignedTo}:${t.id}:${t.dueAt}`,
    }));
  }
  return keepWanted(db, out);
}

async function keepWanted(db: Db, rows: NotificationRow[]): Promise<NotificationRow[]> {
  if (rows.length === 0) return rows;
  const kind = rows[0]?.kind ?? 'assigned';
  const wanting = await usersWanting(db, [...new Set(rows.map((r) => r.user_id))], kind);
  return rows.filter((r) => wanting.has(r.user_id));
}
