// Conversations: cross-channel threads that integrations push in, and their conversion into a
// ticket.
import { type Updateable, sql } from 'kysely';
import { countRows } from '../../../db/queries/count.ts';
import { matchingRowids } from '../../../db/fulltext.ts';
import type { ConversationRow, ConversationsTable, Db, MessageRow } from '../../../db/schema.ts';
import type { ListPage } from '../../../common/contract/base.ts';
import type { MessageT, TicketT } from '../../../common/contract/tickets.ts';
import { nowIso } from '../../core/clock.ts';
import { conflict, notFound } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { type Ctx, inTransaction } from '../context.ts';
import { findOrCreateContact, markContactSeen } from '../contacts/contacts.service.ts';
import { recordEvent } from '../events/events.record.ts';
import { assertProjectUsable } from '../projects/projects.service.ts';
import { assertAssignable } from '../users/users.service.ts';
import { appendToSearch, insertTicket, recordTicketCreated } from '../tickets/tickets.changes.ts';
import type { AttachmentT } from '../../../common/contract/attachments.ts';
import { attachmentsOfMessages } from '../attachments/attachments.presenter.ts';
import { type AttachmentLimits, attachToMessage, shareAttachments } from '../attachments/attachments.service.ts';
import { presentMessage } from '../tickets/tickets.presenter.ts';
import { getTicket } from '../tickets/tickets.read.ts';
import type {
  ConversationConvertInput,
  ConversationCreateInput,
  ConversationListParams,
  ConversationMessageInput,
  ConversationPatchInput,
  ConversationT,
  ConversationWithMessagesT,
} from '../../../common/contract/conversations.ts';

type ConversationUpdate = Updateable<ConversationsTable>;

/** Messages copied per INSERT when a conversation becomes a ticket (8 parameters each). */
const copyChunk = 500;

export function presentConversation(row: ConversationRow): ConversationT {
  return {
    id: row.id,
    channel: row.channel,
    status: row.status,
    subject: row.subject,
    participantEmail: row.participant_email,
    contactId: row.contact_id,
    ticketId: row.ticket_id,
    assignedTo: row.assigned_to,
    messageCount: row.message_count,
    lastMessageAt: row.last_message_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const sortColumns = {
  createdAt: 'created_at',
  lastMessageAt: 'last_message_at',
} as const;

export async function listConversations(
  ctx: Ctx,
  params: ConversationListParams,
): Promise<ListPage<ConversationT>> {
  const { db } = ctx;
  let where = db.selectFrom('conversations');
  if (params.channel) where = where.where('channel', 'in', params.channel);
  if (params.status) where = where.where('status', 'in', params.status);
  if (params.contactId) where = where.where('contact_id', '=', params.contactId);
  if (params.assignedTo === 'none') where = where.where('assigned_to', 'is', null);
  else if (params.assignedTo) where = where.where('assigned_to', '=', params.assignedTo);
  if (params.search) {
    const matches = matchingRowids(db, 'conversation_fts', params.search);
    where = matches ? where.where('seq', 'in', matches) : where.where(sql<boolean>`1 = 0`);
  }
  const total = await countRows(where);

  // Ties on the sort column are broken by seq (insertion order) so pages never overlap.
  const direction = params.sortOrder;
  const rows = await where
    .selectAll()
    .orderBy(sortColumns[params.sortBy], direction)
    .orderBy('seq', direction)
    .limit(params.limit)
    .offset(params.offset)
    .execute();
  return {
    data: rows.map(presentConversation),
    meta: { total, limit: params.limit, offset: params.offset },
  };
}

async function findConversation(db: Db, id: string): Promise<ConversationRow> {
  const row = await db
    .selectFrom('conversations')
    .selectAll()
    .where('id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('conversation', id);
  return row;
}

export async function getConversation(ctx: Ctx, id: string): Promise<ConversationT> {
  const { db } = ctx;
  return presentConversation(await findConversation(db, id));
}

function threadOf(db: Db, conversationId: string): Promise<MessageRow[]> {
  return db
    .selectFrom('messages')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export async function getConversationWithMessages(
  ctx: Ctx,
  id: string,
): Promise<ConversationWithMessagesT> {
  const { db } = ctx;
  const conversation = await getConversation(ctx, id);
  const messages = await threadOf(db, id);
  const files = await attachmentsOfMessages(db, messages.map((m) => m.id));
  return { ...conversation, messages: messages.map((m) => presentMessage(m, files.get(m.id))) };
}

/** Records conversation.created/updated with the conversation as it is now. */
async function recordConversationEvent(
  ctx: Ctx,
  type: 'conversation.created' | 'conversation.updated',
  id: string,
  changes?: string[],
): Promise<void> {
  const conversation = await getConversation(ctx, id);
  await recordEvent(ctx, {
    type,
    resourceType: 'conversation',
    resourceId: id,
    data: changes ? { conversation, changes } : { conversation },
  });
}

function recordMessageCreated(ctx: Ctx, row: MessageRow, attachments: AttachmentT[]) {
  return recordEvent(ctx, {
    type: 'message.created',
    resourceType: 'message',
    resourceId: row.id,
    data: { message: presentMessage(row, attachments), conversationId: row.conversation_id },
  });
}

/**
 * Creates the conversation, its first inbound message (with the uploads it names; `limits`:
 * their size together) and its search entry together.
 */
export async function createConversation(
  ctx: Ctx,
  input: ConversationCreateInput,
  limits?: AttachmentLimits,
): Promise<ConversationT> {
  const now = nowIso(ctx.clock);
  const id = newId('conversation', ctx.clock);
  await inTransaction(ctx, async (tx) => {
    const trx = tx.db;
    const contact = await findOrCreateContact(tx, input.participantEmail, now);
    await markContactSeen(trx, contact.id, now);
    const { seq } = await trx
      .insertInto('conversations')
      .values({
        id,
        channel: input.channel,
        status: 'active',
        subject: input.subject,
        participant_email: input.participantEmail,
        contact_id: contact.id,
        ticket_id: null,
        assigned_to: null,
        message_count: 1,
        last_message_at: now,
        created_at: now,
        updated_at: now,
      })
      .returning('seq')
      .executeTakeFirstOrThrow();
    const first: MessageRow = {
      id: newId('message', ctx.clock),
      ticket_id: null,
      conversation_id: id,
      body: input.body,
      sender: 'customer',
      author_id: contact.id,
      internal: 0,
      created_at: now,
    };
    await trx.insertInto('messages').values(first).execute();
    const attachments = await attachToMessage(tx, first.id, input.attachments, limits);
    await trx
      .insertInto('conversation_fts')
      .values({ rowid: seq, subject: input.subject, messages: input.body })
      .execute();
    await recordConversationEvent(tx, 'conversation.created', id);
    await recordMessageCreated(tx, first, attachments);
  });
  return getConversation(ctx, id);
}

export async function updateConversation(
  ctx: Ctx,
  id: string,
  patch: ConversationPatchInput,
): Promise<ConversationT> {
  const now = nowIso(ctx.clock);
  await inTransaction(ctx, async (tx) => {
    const trx = tx.db;
    const current = await findConversation(trx, id);
    if (patch.assignedTo) await assertAssignable(trx, patch.assignedTo);
    const changed = [
      ...(patch.status !== undefined && patch.status !== current.status ? ['status'] : []),
      ...(patch.subject !== undefined && patch.subject !== current.subject ? ['subject'] : []),
      ...(patch.assignedTo !== undefined && patch.assignedTo !== current.assigned_to ? ['assignedTo'] : []),
    ];
    // A change that changes nothing records nothing and leaves updatedAt (and the ETag) alone.
    if (changed.length === 0) return;
    const changes: ConversationUpdate = { updated_at: now };
    if (patch.status !== undefined) changes.status = patch.status;
    if (patch.subject !== undefined) changes.subject = patch.subject;
    if (patch.assignedTo !== undefined) changes.assigned_to = patch.assignedTo;
    await trx.updateTable('conversations').set(changes).where('id', '=', id).execute();
    if (patch.subject !== undefined) {
      await trx
        .updateTable('conversation_fts')
        .set({ subject: patch.subject })
        .where('rowid', '=', current.seq)
        .execute();
    }
    await recordConversationEvent(tx, 'conversation.updated', id, changed);
  });
  return getConversation(ctx, id);
}

/**
 * Appends an inbound (customer) or outbound (agent) message, with the uploads it names. A
 * customer message reactivates an archived conversation and moves the contact's lastSeenAt; an
 * agent message changes neither.
 */
export async function addConversationMessage(
  ctx: Ctx,
  conversationId: string,
  input: ConversationMessageInput,
  limits?: AttachmentLimits,
): Promise<MessageT> {
  const now = nowIso(ctx.clock);
  const message = await inTransaction(ctx, async (tx) => {
    const trx = tx.db;
    const conversation = await findConversation(trx, conversationId);
    const row: MessageRow = {
      id: newId('message', ctx.clock),
      ticket_id: null,
      conversation_id: conversationId,
      body: input.body,
      sender: input.sender,
      author_id: input.sender === 'agent' ? ctx.actor.userId : conversation.contact_id,
      internal: 0,
      created_at: now,
    };
    await trx.insertInto('messages').values(row).execute();
    const attachments = await attachToMessage(tx, row.id, input.attachments, limits);
    await sql`update conversation_fts set messages = messages || ${'\n'} || ${input.body}
      where rowid = ${conversation.seq}`.execute(trx);

    const changes: ConversationUpdate = { updated_at: now, last_message_at: now };
    if (input.sender === 'customer') {
      changes.status = 'active';
      await markContactSeen(trx, conversation.contact_id, now);
    }
    await trx
      .updateTable('conversations')
      .set(changes)
      .set((eb) => ({ message_count: eb('message_count', '+', 1) }))
      .where('id', '=', conversationId)
      .execute();
    await recordMessageCreated(tx, row, attachments);
    if (conversation.status === 'archived' && changes.status === 'active') {
      await recordConversationEvent(tx, 'conversation.updated', conversationId, [
        'status',
      ]);
    }
    return { row, attachments };
  });
  return presentMessage(message.row, message.attachments);
}

/**
 * Turns a conversation into an `open` ticket for its contact: the subject carries over, the
 * first message becomes the description, and every message is copied into the ticket's thread
 * with its original time and author. The ticket's SLA counts from the conversion; an agent
 * reply already in the conversation counts as the first response.
 */
export async function convertToTicket(
  ctx: Ctx,
  conversationId: string,
  input: ConversationConvertInput,
): Promise<TicketT> {
  const now = nowIso(ctx.clock);
  const ticketId = await inTransaction(ctx, async (tx) => {
    const trx = tx.db;
    const conversation = await findConversation(trx, conversationId);
    if (conversation.ticket_id !== null) {
      throw conflict(
        `conversation ${conversationId} was already turned into ticket ${conversation.ticket_id}`,
        { ticketId: conversation.ticket_id },
      );
    }
    if (input.projectId) await assertProjectUsable(trx, input.projectId);
    const thread = await threadOf(trx, conversationId);
    const [first, ...rest] = thread;
    const firstResponse = thread.find((m) => m.sender === 'agent' && m.internal === 0);
    const id = await insertTicket(
      tx,
      {
        subject: conversation.subject,
        description: first?.body ?? conversation.subject,
        priority: input.priority,
        contactId: conversation.contact_id,
        assignedTo: null,
        projectId: input.projectId ?? null,
        conversationId,
        firstResponseAt: firstResponse?.created_at ?? null,
      },
      now,
    );
    const copies: MessageRow[] = thread.map((m) => ({
      id: newId('message', ctx.clock),
      ticket_id: id,
      conversation_id: null,
      body: m.body,
      sender: m.sender,
      author_id: m.author_id,
      internal: m.internal,
      created_at: m.created_at,
    }));
    // Chunked so a long thread stays under SQLite's bound-parameter limit.
    for (let i = 0; i < copies.length; i += copyChunk) {
      await trx.insertInto('messages').values(copies.slice(i, i + copyChunk)).execute();
    }
    // The copies show the originals' files (stored once, linked twice).
    await shareAttachments(tx, thread.map((m, i) => ({ from: m.id, to: (copies[i] as MessageRow).id })));
    // One append of the later bodies, newline-separated: the same text as one append each.
    if (rest.length > 0) await appendToSearch(trx, id, rest.map((m) => m.body).join('\n'));
    await trx
      .updateTable('conversations')
      .set({ ticket_id: id, updated_at: now })
      .where('id', '=', conversationId)
      .execute();
    await recordTicketCreated(tx, id, copies);
    await recordConversationEvent(tx, 'conversation.updated', conversationId, [
      'ticketId',
    ]);
    return id;
  });
  return getTicket(ctx, ticketId);
}
