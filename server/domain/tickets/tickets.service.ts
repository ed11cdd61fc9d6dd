// Tickets: create, change, and their thread of replies and notes.
import { countRows } from '../../../db/queries/count.ts';
import type { MessageRow } from '../../../db/schema.ts';
import type { ListPage } from '../../../common/contract/base.ts';
import type {
  MessageCreateInput,
  MessageListParams,
  MessageT,
  TicketCreateInput,
  TicketPatchInput,
  TicketT,
} from '../../../common/contract/tickets.ts';
import { nowIso } from '../../core/clock.ts';
import { invalidField } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { type Ctx, inTransaction } from '../context.ts';
import { findOrCreateContact, markContactSeen } from '../contacts/contacts.service.ts';
import { assertProjectUsable } from '../projects/projects.service.ts';
import { setTicketTags } from '../tags/ticketTags.ts';
import { assertAssignable } from '../users/users.service.ts';
import { applyTicketChanges, insertTicket, insertTicketMessage, recordTicketCreated } from './tickets.changes.ts';
import { type AttachmentLimits, attachToMessage } from '../attachments/attachments.service.ts';
import { attachmentsOfMessages } from '../attachments/attachments.presenter.ts';
import { presentMessage } from './tickets.presenter.ts';
import { mailPartsOfTicket } from '../mail/mail.read.ts';
import { type NewMessageMail, insertMessageMail } from '../mail/messageMail.ts';
import { loadTicket } from './tickets.read.ts';

/** What a ticket that arrives by e-mail brings beyond the API's fields. */
export interface TicketFromMail {
  /** The mail side of the first message (its headers, HTML, unfolded text). */
  mail: NewMessageMail;
}

/**
 * `limits` bounds the size of the first message's attachments together (the API passes its
 * config); `fromMail`: what a ticket opened by an incoming mail brings.
 */
export async function createTicket(ctx: Ctx, input: TicketCreateInput, limits?: AttachmentLimits, fromMail?: TicketFromMail): Promise<TicketT> {
  const now = nowIso(ctx.clock);
  // The response is the ticket as its ticket.created event presents it: the state this
  // request's write produced (no second read after the commit).
  return inTransaction(ctx, async (tx) => {
    if (input.assignedTo) await assertAssignable(tx.db, input.assignedTo);
    if (input.projectId) await assertProjectUsable(tx.db, input.projectId);
    const contact = await findOrCreateContact(tx, input.contactEmail, now, input.contactName);
    await markContactSeen(tx.db, contact.id, now);
    const ticketId = await insertTicket(
      tx,
      {
        subject: input.subject,
        description: input.description,
        priority: input.priority,
        contactId: contact.id,
        assignedTo: input.assignedTo ?? null,
        projectId: input.projectId ?? null,
        conversationId: null,
        firstResponseAt: null,
      },
      now,
    );
    if (input.tags) await setTicketTags(tx, ticketId, input.tags, now);
    const first: MessageRow = {
      id: newId('message', tx.clock),
      ticket_id: ticketId,
      conversation_id: null,
      body: input.description,
      sender: 'customer',
      author_id: contact.id,
      internal: 0,
      created_at: now,
    };
    await tx.db.insertInto('messages').values(first).execute();
    if (fromMail) await insertMessageMail(tx.db, first.id, ticketId, fromMail.mail);
    await attachToMessage(tx, first.id, input.attachments, limits);
    return recordTicketCreated(tx, ticketId, [first], fromMail?.mail);
  });
}

export async function updateTicket(ctx: Ctx, id: string, patch: TicketPatchInput): Promise<TicketT> {
  const now = nowIso(ctx.clock);
  return inTransaction(ctx, async (tx) => applyTicketChanges(tx, await loadTicket(tx.db, id), patch, now));
}

export async function listMessages(ctx: Ctx, ticketId: string, params: MessageListParams): Promise<ListPage<MessageT>> {
  const { db } = ctx;
  await loadTicket(db, ticketId);
  const base = db.selectFrom('messages').where('ticket_id', '=', ticketId);
  const total = await countRows(base);
  const rows = await base
    .selectAll()
    .orderBy('created_at', params.sortOrder)
    .orderBy('id', params.sortOrder)
    .limit(params.limit)
    .offset(params.offset)
    .execute();
  const files = await attachmentsOfMessages(db, rows.map((r) => r.id));
  const mail = await mailPartsOfTicket(db, ticketId);
  return {
    data: rows.map((r) => presentMessage(r, files.get(r.id), mail.get(r.id))),
    meta: { total, limit: params.limit, offset: params.offset },
  };
}

/**
 * Adds a reply or internal note (rules in insertTicketMessage), authored by the acting user, with
 * the uploads it names (`limits`: their size together).
 */
export async function addTicketMessage(
  ctx: Ctx,
  ticketId: string,
  input: MessageCreateInput,
  limits?: AttachmentLimits,
): Promise<MessageT> {
  if (input.sender === 'customer' && input.internal) {
    throw invalidField('internal', 'internal notes are written by agents, not customers');
  }
  const now = nowIso(ctx.clock);
  const { row, attachments } = await inTransaction(ctx, async (tx) =>
    insertTicketMessage(
      tx,
      await loadTicket(tx.db, ticketId),
      {
        body: input.body,
        sender: input.sender,
        internal: input.internal,
        authorId: ctx.actor.userId,
        attachments: input.attachments,
        limits,
      },
      now,
    ),
  );
  return presentMessage(row, attachments);
}
