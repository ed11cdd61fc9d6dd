// A ticket's thread from the product → messages: public replies and internal notes with their
// author and time, upserted by the product's id. A message the API would refuse (an empty or
// oversized body) is refused on its own; the ticket and the rest of its thread come in.
// Attachments: their details are kept (imported_attachments), and each file downloaded before the
// batch (downloads.ts) is put on its message here, in the batch's transaction.
import { prepared } from '../../../db/prepared.ts';
import type { Db, MessageRow } from '../../../db/schema.ts';
import { MessageCreate } from '../../../common/contract/tickets.ts';
import type { SourceAttachment, SourceMessage } from './sources/types.ts';
import { importedId } from './ids.ts';
import { findRef, saveRef } from './refs.ts';
import type { WriteScope } from './scope.ts';

const Body = MessageCreate.shape.body;

/** A message the API would take, with its place in the product's thread. */
export interface Accepted {
  message: SourceMessage;
  body: string;
  position: number;
}

export interface ThreadResult {
  /** Messages inserted, in thread order (their message.created events follow the ticket's). */
  inserted: MessageRow[];
  /** Whether anything in the thread was inserted or changed (the search entry is then rebuilt). */
  changed: boolean;
}

const insertMessage = prepared(
  (db: Db, id: string, ticketId: string, body: string, sender: MessageRow['sender'], authorId: string | null, internal: number, createdAt: string) =>
    db.insertInto('messages').values({ id, ticket_id: ticketId, conversation_id: null, body, sender, author_id: authorId, internal, created_at: createdAt }),
);
const messageById = prepared((db: Db, id: string) => db.selectFrom('messages').selectAll().where('id', '=', id));

/** A message that is only attachments still says what it carried. */
function bodyOf(m: SourceMessage): string {
  const text = m.body.trim();
  if (text || m.attachments.length === 0) return text;
  return `(attachments: ${m.attachments.map((a) => a.name).join(', ')})`;
}

/** The messages the API would take; the others are refused (counted, with the reason). */
export function acceptThread(w: WriteScope, messages: readonly SourceMessage[]): Accepted[] {
  const out: Accepted[] = [];
  messages.forEach((message, position) => {
    const parsed = Body.safeParse(bodyOf(message));
    if (parsed.success) out.push({ message, body: parsed.data, position });
    else w.tally.refuse('messages', message.externalId, `body: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
  });
  return out;
}

async function authorOf(w: WriteScope, m: SourceMessage, contactId: string): Promise<string | null> {
  if (m.sender === 'system' || m.author === null) return null;
  const kind = m.sender === 'customer' ? 'contact' : 'user';
  const ref = await findRef(w.ctx.db, w.source, kind, m.author);
  if (ref) return ref.local_id;
  // A customer message by someone never listed as a contact is the requester's (as in the API).
  return m.sender === 'customer' ? contactId : null;
}

/**
 * Writes the accepted messages. `fresh`: the ticket was just created, so none of its messages
 * can be here yet and they are inserted without looking.
 */
export async function writeThread(w: WriteScope, ticketId: string, contactId: string, accepted: readonly Accepted[], fresh: boolean): Promise<ThreadResult> {
  const { db } = w.ctx;
  const result: ThreadResult = { inserted: [], changed: false };
  for (const { message: m, body, position } of accepted) {
    const wanted: MessageRow = {
      id: importedId('message', w.source, m.externalId, m.createdAt, position),
      ticket_id: ticketId,
      conversation_id: null,
      body,
      sender: m.sender,
      author_id: await authorOf(w, m, contactId),
      internal: m.internal ? 1 : 0,
      created_at: m.createdAt,
    };
    const ref = fresh ? undefined : await findRef(db, w.source, 'message', m.externalId);
    // Without its ref, the message may still be here under the id it was given.
    const current = fresh ? undefined : (await messageById(db, ref?.local_id ?? wanted.id))[0];
    if (current) {
      wanted.id = current.id;
      const same = (['ticket_id', 'body', 'sender', 'author_id', 'internal', 'created_at'] as const).every((k) => current[k] === wanted[k]);
      if (same) w.tally.skip('messages', 'unchanged');
      else {
        const { id, ...fields } = wanted;
        await db.updateTable('messages').set(fields).where('id', '=', id).execute();
        w.tally.add('messages', 'updated');
        result.changed = true;
      }
    } else {
      await insertMessage(db, wanted.id, ticketId, body, wanted.sender, wanted.author_id, wanted.internal, wanted.created_at);
      w.tally.add('messages', 'created');
      result.inserted.push(wanted);
      result.changed = true;
    }
    if (ref?.local_id !== wanted.id) {
      await saveRef(db, { source: w.source, kind: 'message', externalId: m.externalId, localId: wanted.id, sourceUpdatedAt: null, linked: false });
    }
    for (const [position, a] of m.attachments.entries()) {
      if (await applyAttachment(w, wanted.id, a, position)) result.changed = true;
    }
  }
  return result;
}

/** Records an attachment's details, and puts its file on the message if it came now (then true). */
async function applyAttachment(w: WriteScope, messageId: string, a: SourceAttachment, position: number): Promise<boolean> {
  const { db } = w.ctx;
  const wanted = { message_id: messageId, name: a.name, content_type: a.contentType, size: a.size, url: a.url };
  const current = await db
    .selectFrom('imported_attachments')
    .select(['message_id', 'name', 'content_type', 'size', 'attachment_id'])
    .where('source', '=', w.source)
    .where('external_id', '=', a.externalId)
    .executeTakeFirst();
  const file = current?.attachment_id ? null : (w.files.get(a.externalId) ?? null);
  if (file) await linkFile(w, messageId, file, position);
  if (current && current.message_id === wanted.message_id && current.name === wanted.name && current.content_type === wanted.content_type && current.size === wanted.size) {
    // The URL is not compared: Freshdesk signs a fresh one on every read.
    if (file) await db.updateTable('imported_attachments').set({ attachment_id: file }).where('source', '=', w.source).where('external_id', '=', a.externalId).execute();
    w.tally.skip('attachments', 'unchanged');
    return file !== null;
  }
  const values = { ...wanted, ...(file ? { attachment_id: file } : {}) };
  await db
    .insertInto('imported_attachments')
    .values({ source: w.source, external_id: a.externalId, ...values })
    .onConflict((oc) => oc.columns(['source', 'external_id']).doUpdateSet(values))
    .execute();
  w.tally.add('attachments', current ? 'updated' : 'created');
  return file !== null;
}

/** Puts a downloaded file on its message, at the product's position, as sending it would. */
async function linkFile(w: WriteScope, messageId: string, attachmentId: string, position: number): Promise<void> {
  const { db } = w.ctx;
  await db.insertInto('message_attachments').values({ message_id: messageId, attachment_id: attachmentId, position }).execute();
  await db.updateTable('attachments').set({ linked_at: w.now }).where('id', '=', attachmentId).execute();
}
