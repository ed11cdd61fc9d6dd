// Attachment rows into the API's shape, and the attachments of messages as their presenters need them.
import { sql } from 'kysely';
import { prepared } from '../../../db/prepared.ts';
import type { AttachmentRow, Db } from '../../../db/schema.ts';
import type { AttachmentT } from '../../../common/contract/attachments.ts';
import { servedType } from '../../../common/rules/attachments.ts';

export function presentAttachment(row: AttachmentRow): AttachmentT {
  return {
    id: row.id,
    name: row.name,
    size: row.size,
    contentType: servedType(row.declared_type, row.sniffed_type),
    sha256: row.sha256,
    createdAt: row.created_at,
  };
}

export type AttachmentsByMessage = ReadonlyMap<string, AttachmentT[]>;

type LinkedRow = AttachmentRow & { message_id: string };

function group(rows: readonly LinkedRow[]): AttachmentsByMessage {
  const out = new Map<string, AttachmentT[]>();
  for (const { message_id, ...row } of rows) {
    const list = out.get(message_id);
    if (list) list.push(presentAttachment(row));
    else out.set(message_id, [presentAttachment(row)]);
  }
  return out;
}

// GET /tickets/:id is a hot read: one statement, compiled once, walking the ticket's messages by
// their index and each message's links by their primary key.
const ofTicketThread = prepared((db: Db, ticketId: string) =>
  db
    .selectFrom('messages as m')
    .innerJoin('message_attachments as ma', 'ma.message_id', 'm.id')
    .innerJoin('attachments as a', 'a.id', 'ma.attachment_id')
    .selectAll('a')
    .select('ma.message_id')
    .where('m.ticket_id', '=', ticketId)
    .orderBy('ma.message_id')
    .orderBy('ma.position'),
);

export async function attachmentsOfTicketThread(db: Db, ticketId: string): Promise<AttachmentsByMessage> {
  return group(await ofTicketThread(db, ticketId));
}

export async function attachmentsOfConversationThread(db: Db, conversationId: string): Promise<AttachmentsByMessage> {
  const rows = await db
    .selectFrom('messages as m')
    .innerJoin('message_attachments as ma', 'ma.message_id', 'm.id')
    .innerJoin('attachments as a', 'a.id', 'ma.attachment_id')
    .selectAll('a')
    .select('ma.message_id')
    .where('m.conversation_id', '=', conversationId)
    .orderBy('ma.message_id')
    .orderBy('ma.position')
    .execute();
  return group(rows);
}

/** The attachments of these messages (a page of a thread, an event's messages). */
export async function attachmentsOfMessages(db: Db, messageIds: readonly string[]): Promise<AttachmentsByMessage> {
  if (messageIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('message_attachments as ma')
    .innerJoin('attachments as a', 'a.id', 'ma.attachment_id')
    .selectAll('a')
    .select('ma.message_id')
    .where('ma.message_id', 'in', sql<string>`(select value from json_each(${JSON.stringify(messageIds)}))`)
    .orderBy('ma.message_id')
    .orderBy('ma.position')
    .execute();
  return group(rows);
}
