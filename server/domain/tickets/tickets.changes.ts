// The write rules of a ticket, shared by every path that changes one (PATCH, bulk edits,
// macros, merges, and later workflows), always inside the caller's transaction.
import { type Kysely, sql } from 'kysely';
import type { Database, MessageRow, Sender, TicketRow, TicketUpdate } from '../../../db/schema.ts';
import type { Clock } from '../../core/clock.ts';
import { notFound } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { markContactSeen } from '../contacts/contacts.links.ts';
import { assertProjectUsable } from '../projects/projects.usable.ts';
import { assertAssignable } from '../users/users.assignable.ts';
import { slaDueTimes } from '../sla/sla.dueTimes.ts';
import { ensureTags, setTicketTags } from '../tags/ticketTags.ts';
import type { Priority, TicketStatus } from '../../../db/schema.ts';
import { type Actor, changedFields, recordEvent } from '../events/events.record.ts';
import { presentMessage } from './messages.presenter.ts';
import { getTicket } from './tickets.presenter.ts';
import type { TicketT } from '../../../common/contract/tickets.ts';

type Db = Kysely<Database>;

export async function loadTicket(trx: Db, id: string): Promise<TicketRow> {
  const row = await trx.selectFrom('tickets').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('ticket', id);
  return row;
}

/**
 * Records ticket.updated with the ticket as it is now and the fields that changed; when nothing
 * changed, records nothing and puts updatedAt back. Returns the ticket as it now reads.
 */
export async function recordTicketUpdated(
  trx: Db,
  clock: Clock,
  actor: Actor,
  before: TicketT,
): Promise<TicketT> {
  const after = await getTicket(trx, clock, before.id);
  const changes = changedFields(before, after);
  if (changes.length === 0) {
    // Nothing a client can see changed: updatedAt (and so the ETag) stays as it was.
    await trx
      .updateTable('tickets')
      .set({ updated_at: before.updatedAt })
      .where('id', '=', before.id)
      .execute();
    return before;
  }
  await recordEvent(trx, clock, actor, {
    type: 'ticket.updated',
    resourceType: 'ticket',
    resourceId: before.id,
    data: { ticket: after, changes },
  });
  return after;
}

/** Records ticket.created, then message.created for each message of its starting thread. */
export async function recordTicketCreated(
  trx: Db,
  clock: Clock,
  actor: Actor,
  ticketId: string,
  thread: readonly MessageRow[],
): Promise<TicketT> {
  const ticket = await getTicket(trx, clock, ticketId);
  await recordEvent(trx, clock, actor, {
    type: 'ticket.created',
    resourceType: 'ticket',
    resourceId: ticketId,
    data: { ticket },
  });
  for (const message of thread) {
    await recordEvent(trx, clock, actor, {
      type: 'message.created',
      resourceType: 'message',
      resourceId: message.id,
      data: { message: presentMessage(message), ticketId },
    });
  }
  return ticket;
}

export interface TicketChanges {
  subject?: string;
  status?: TicketStatus;
  priority?: Priority;
  assignedTo?: string | null;
  projectId?: string | null;
  /** Replaces the whole tag set. */
  tags?: readonly string[];
  addTags?: readonly string[];
  removeTags?: readonly string[];
}

/**
 * Applies changes to one ticket: resolving or closing sets resolvedAt (kept if already set),
 * reopening clears it; a priority change recomputes the SLA due times from createdAt; an
 * assignee must be an active user and a project an active project. updatedAt always moves.
 */
export async function applyTicketChanges(
  trx: Db,
  clock: Clock,
  actor: Actor,
  current: TicketRow,
  patch: TicketChanges,
  now: string,
): Promise<TicketT> {
  const before = await getTicket(trx, clock, current.id);
  if (patch.assignedTo) await assertAssignable(trx, patch.assignedTo);
  if (patch.projectId) await assertProjectUsable(trx, patch.projectId);

  const changes: TicketUpdate = { updated_at: now };
  if (patch.subject !== undefined) changes.subject = patch.subject;
  if (patch.assignedTo !== undefined) changes.assigned_to = patch.assignedTo;
  if (patch.projectId !== undefined) changes.project_id = patch.projectId;
  if (patch.priority !== undefined && patch.priority !== current.priority) {
    changes.priority = patch.priority;
    Object.assign(changes, await slaDueTimes(trx, patch.priority, current.created_at));
  }
  if (patch.status !== undefined) {
    changes.status = patch.status;
    const done = patch.status === 'resolved' || patch.status === 'closed';
    changes.resolved_at = done ? (current.resolved_at ?? now) : null;
  }
  await trx.updateTable('tickets').set(changes).where('id', '=', current.id).execute();

  if (patch.tags !== undefined) await setTicketTags(trx, clock, actor, current.id, patch.tags, now);
  if (patch.addTags && patch.addTags.length > 0) {
    const tagIds = await ensureTags(trx, clock, actor, patch.addTags, now);
    await trx
      .insertInto('ticket_tags')
      .values(tagIds.map((tagId) => ({ ticket_id: current.id, tag_id: tagId })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  if (patch.removeTags && patch.removeTags.length > 0) {
    await trx
      .deleteFrom('ticket_tags')
      .where('ticket_id', '=', current.id)
      .where('tag_id', 'in', (eb) =>
        eb.selectFrom('tags').select('id').where('name', 'in', [...(patch.removeTags ?? [])]),
      )
      .execute();
  }
  if (patch.subject !== undefined) {
    await trx
      .updateTable('ticket_fts')
      .set({ subject: patch.subject })
      .where('rowid', '=', current.seq)
      .execute();
  }
  return recordTicketUpdated(trx, clock, actor, before);
}

/** Adds a message body to the ticket's search entry (same transaction as the message). */
export async function appendToSearch(trx: Db, ticketId: string, body: string): Promise<void> {
  await sql`update ticket_fts set messages = messages || char(10) || ${body}
    where rowid = (select seq from tickets where id = ${ticketId})`.execute(trx);
}

export interface NewTicketMessage {
  body: string;
  sender: Sender;
  internal: boolean;
  /** The agent's user id; customer messages are authored by the ticket's contact. */
  authorId: string | null;
}

/**
 * Adds a message to a ticket with its rules: the first agent reply the customer can see sets
 * firstResponseAt; a customer reply reopens a resolved ticket (a closed one stays closed) and
 * moves the contact's lastSeenAt. updatedAt moves and the body becomes searchable.
 */
export async function insertTicketMessage(
  trx: Db,
  clock: Clock,
  actor: Actor,
  ticket: TicketRow,
  message: NewTicketMessage,
  now: string,
): Promise<MessageRow> {
  const before = await getTicket(trx, clock, ticket.id);
  const row: MessageRow = {
    id: newId('message', clock),
    ticket_id: ticket.id,
    conversation_id: null,
    body: message.body,
    sender: message.sender,
    author_id: message.sender === 'customer' ? ticket.contact_id : message.authorId,
    internal: message.internal ? 1 : 0,
    created_at: now,
  };
  await trx.insertInto('messages').values(row).execute();
  await appendToSearch(trx, ticket.id, message.body);

  const changes: TicketUpdate = { updated_at: now };
  if (message.sender === 'agent' && !message.internal && ticket.first_response_at === null) {
    changes.first_response_at = now;
  }
  if (message.sender === 'customer') {
    await markContactSeen(trx, ticket.contact_id, now);
    if (ticket.status === 'resolved') {
      changes.status = 'open';
      changes.resolved_at = null;
    }
  }
  await trx.updateTable('tickets').set(changes).where('id', '=', ticket.id).execute();
  await recordEvent(trx, clock, actor, {
    type: 'message.created',
    resourceType: 'message',
    resourceId: row.id,
    data: { message: presentMessage(row), ticketId: ticket.id },
  });
  // A reopen is a ticket change in its own right (workflows and webhooks on ticket.updated).
  if (changes.status) await recordTicketUpdated(trx, clock, actor, before);
  return row;
}
