// The write rules of a ticket, shared by every path that changes one (PATCH, bulk edits,
// macros, merges, conversions and workflows). Each runs in the context's transaction.
import { sql } from 'kysely';
import type { Db, MessageRow, Priority, Sender, TicketRow, TicketStatus, TicketUpdate } from '../../../db/schema.ts';
import type { TicketT } from '../../../common/contract/tickets.ts';
import { isDone } from '../../../common/rules/tickets.ts';
import { newId } from '../../core/ids.ts';
import type { Ctx } from '../context.ts';
import { markContactSeen } from '../contacts/contacts.service.ts';
import { changedFields, recordEvent } from '../events/events.record.ts';
import { assertProjectUsable } from '../projects/projects.service.ts';
import { slaDueTimes } from '../sla/sla.service.ts';
import { addTicketTags, removeTicketTags, setTicketTags } from '../tags/ticketTags.ts';
import { assertAssignable } from '../users/users.service.ts';
import { type NewMessageMail, insertMessageMail, mailPartsOf } from '../mail/messageMail.ts';
import type { AttachmentT } from '../../../common/contract/attachments.ts';
import { type AttachmentLimits, attachToMessage } from '../attachments/attachments.service.ts';
import { attachmentsOfMessages } from '../attachments/attachments.presenter.ts';
import { presentMessage } from './tickets.presenter.ts';
import { getTicket } from './tickets.read.ts';

/**
 * Records ticket.updated with the ticket as it is now and the fields that changed; when nothing
 * changed, records nothing and puts updatedAt back. Returns the ticket as it now reads.
 */
export async function recordTicketUpdated(ctx: Ctx, before: TicketT): Promise<TicketT> {
  const after = await getTicket(ctx, before.id);
  const changes = changedFields(before, after);
  if (changes.length === 0) {
    // Nothing a client can see changed: updatedAt (and so the ETag) stays as it was.
    await ctx.db.updateTable('tickets').set({ updated_at: before.updatedAt }).where('id', '=', before.id).execute();
    return before;
  }
  await recordEvent(ctx, {
    type: 'ticket.updated',
    resourceType: 'ticket',
    resourceId: before.id,
    data: { ticket: after, changes },
  });
  return after;
}

/**
 * Records ticket.created, then message.created for each message of its starting thread (`mail`:
 * the mail side of the first one, when it came by e-mail).
 */
export async function recordTicketCreated(
  ctx: Ctx,
  ticketId: string,
  thread: readonly MessageRow[],
  mail?: NewMessageMail,
): Promise<TicketT> {
  const ticket = await getTicket(ctx, ticketId);
  await recordEvent(ctx, { type: 'ticket.created', resourceType: 'ticket', resourceId: ticketId, data: { ticket } });
  const files = await attachmentsOfMessages(ctx.db, thread.map((m) => m.id));
  for (const [i, message] of thread.entries()) {
    await recordMessageCreated(ctx, message, ticketId, files.get(message.id), i === 0 ? mail : undefined);
  }
  return ticket;
}

export function recordMessageCreated(
  ctx: Ctx,
  message: MessageRow,
  ticketId: string,
  attachments: AttachmentT[] = [],
  mail?: NewMessageMail,
): Promise<string> {
  return recordEvent(ctx, {
    type: 'message.created',
    resourceType: 'message',
    resourceId: message.id,
    data: { message: presentMessage(message, attachments, mailPartsOf(mail)), ticketId },
  });
}

export interface NewTicketFields {
  subject: string;
  description: string;
  priority: Priority;
  contactId: string;
  assignedTo: string | null;
  projectId: string | null;
  conversationId: string | null;
  firstResponseAt: string | null;
}

/**
 * Inserts a ticket and its search entry. The caller adds the thread (a new ticket's first
 * message is its description; a converted conversation brings its own), appending bodies after
 * the first with appendToSearch.
 */
export async function insertTicket(ctx: Ctx, fields: NewTicketFields, now: string): Promise<string> {
  const id = newId('ticket', ctx.clock);
  const { seq } = await ctx.db
    .insertInto('tickets')
    .values({
      id,
      subject: fields.subject,
      description: fields.description,
      status: 'open',
      priority: fields.priority,
      contact_id: fields.contactId,
      assigned_to: fields.assignedTo,
      project_id: fields.projectId,
      conversation_id: fields.conversationId,
      ...(await slaDueTimes(ctx.db, fields.priority, now)),
      first_response_at: fields.firstResponseAt,
      resolved_at: null,
      created_at: now,
      updated_at: now,
    })
    .returning('seq')
    .executeTakeFirstOrThrow();
  await ctx.db
    .insertInto('ticket_fts')
    .values({ rowid: seq, subject: fields.subject, description: fields.description, messages: '' })
    .execute();
  return id;
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
  ctx: Ctx,
  current: TicketRow,
  patch: TicketChanges,
  now: string,
): Promise<TicketT> {
  const { db } = ctx;
  const before = await getTicket(ctx, current.id);
  if (patch.assignedTo) await assertAssignable(db, patch.assignedTo);
  if (patch.projectId) await assertProjectUsable(db, patch.projectId);

  const changes: TicketUpdate = { updated_at: now };
  if (patch.subject !== undefined) changes.subject = patch.subject;
  if (patch.assignedTo !== undefined) changes.assigned_to = patch.assignedTo;
  if (patch.projectId !== undefined) changes.project_id = patch.projectId;
  if (patch.priority !== undefined && patch.priority !== current.priority) {
    changes.priority = patch.priority;
    Object.assign(changes, await slaDueTimes(db, patch.priority, current.created_at));
  }
  if (patch.status !== undefined) {
    changes.status = patch.status;
    changes.resolved_at = isDone(patch.status) ? (current.resolved_at ?? now) : null;
  }
  await db.updateTable('tickets').set(changes).where('id', '=', current.id).execute();

  if (patch.tags !== undefined) await setTicketTags(ctx, current.id, patch.tags, now);
  await addTicketTags(ctx, current.id, patch.addTags ?? [], now);
  await removeTicketTags(ctx, current.id, patch.removeTags ?? []);
  if (patch.subject !== undefined) {
    await db.updateTable('ticket_fts').set({ subject: patch.subject }).where('rowid', '=', current.seq).execute();
  }
  return recordTicketUpdated(ctx, before);
}

/** Adds a message body to the ticket's search entry (same transaction as the message). */
export async function appendToSearch(db: Db, ticketId: string, body: string): Promise<void> {
  // The newline is a parameter: char(10) is SQLite's spelling, chr(10) PostgreSQL's.
  await sql`update ticket_fts set messages = messages || ${'\n'} || ${body}
    where rowid = (select seq from tickets where id = ${ticketId})`.execute(db);
}

export interface NewTicketMessage {
  body: string;
  sender: Sender;
  internal: boolean;
  /** The agent's user id; customer messages are authored by the ticket's contact. */
  authorId: string | null;
  /** Uploads to put on the message (attachments.service.ts says which may be). */
  attachments?: readonly string[];
  limits?: AttachmentLimits;
  /** Set when the message came by e-mail: its headers, HTML and unfolded text. */
  mail?: NewMessageMail;
}

/**
 * Adds a message to a ticket with its rules: the first agent reply the customer can see sets
 * firstResponseAt; a customer reply reopens a resolved ticket (a closed one stays closed) and
 * moves the contact's lastSeenAt. updatedAt moves and the body becomes searchable.
 */
export async function insertTicketMessage(
  ctx: Ctx,
  ticket: TicketRow,
  message: NewTicketMessage,
  now: string,
): Promise<{ row: MessageRow; attachments: AttachmentT[] }> {
  const { db } = ctx;
  const before = await getTicket(ctx, ticket.id);
  const row: MessageRow = {
    id: newId('message', ctx.clock),
    ticket_id: ticket.id,
    conversation_id: null,
    body: message.body,
    sender: message.sender,
    author_id: message.sender === 'customer' ? ticket.contact_id : message.authorId,
    internal: message.internal ? 1 : 0,
    created_at: now,
  };
  await db.insertInto('messages').values(row).execute();
  if (message.mail) await insertMessageMail(db, row.id, ticket.id, message.mail);
  const attachments = await attachToMessage(ctx, row.id, message.attachments, message.limits);
  await appendToSearch(db, ticket.id, message.body);

  const changes: TicketUpdate = { updated_at: now };
  if (message.sender === 'agent' && !message.internal && ticket.first_response_at === null) {
    changes.first_response_at = now;
  }
  if (message.sender === 'customer') {
    await markContactSeen(db, ticket.contact_id, now);
    if (ticket.status === 'resolved') {
      changes.status = 'open';
      changes.resolved_at = null;
    }
  }
  await db.updateTable('tickets').set(changes).where('id', '=', ticket.id).execute();
  await recordMessageCreated(ctx, row, ticket.id, attachments, message.mail);
  // A reopen is a ticket change in its own right (workflows and webhooks on ticket.updated).
  if (changes.status) await recordTicketUpdated(ctx, before);
  return { row, attachments };
}
