// A ticket's thread from the product → messages: public replies and internal notes with their
// author and time, upserted by the product's id. A message the API would refuse (an empty or
// oversized body) is refused on its own; the ticket and the rest of its thread come in.
// Attachments: their metadata is kept (imported_attachments); the files are not imported.
import type { MessageRow, Sender } from '../../../db/schema.ts';
import { MessageCreate } from '../../../common/contract/tickets.ts';
import type { SourceAttachment, SourceMessage } from './sources/types.ts';
import { importedId } from './ids.ts';
import { findRef, saveRef } from './refs.ts';
import type { WriteScope } from './scope.ts';

const Body = MessageCreate.shape.body;

export interface ThreadResult {
  /** Messages inserted, in thread order (their message.created events follow the ticket's). */
  inserted: MessageRow[];
  /** Whether anything in the thread was inserted or changed (the search entry is then rebuilt). */
  changed: boolean;
  /** The body of the first message taken: a new ticket's description. */
  firstBody: string | null;
}

/** A message that is only attachments still says what it carried. */
function bodyOf(m: SourceMessage): string {
  const text = m.body.trim();
  if (text || m.attachments.length === 0) return text;
  return `(attachments: ${m.attachments.map((a) => a.name).join(', ')})`;
}

async function authorOf(w: WriteScope, m: SourceMessage, contactId: string): Promise<string | null> {
  if (m.sender === 'system' || m.author === null) return null;
  const kind = m.sender === 'customer' ? 'contact' : 'user';
  const ref = await findRef(w.ctx.db, w.source, kind, m.author);
  if (ref) return ref.local_id;
  // A customer message by someone never listed as a contact is the requester's (as in the API).
  return m.sender === 'customer' ? contactId : null;
}

export async function applyThread(w: WriteScope, ticketId: string, contactId: string, messages: readonly SourceMessage[]): Promise<ThreadResult> {
  const { db } = w.ctx;
  const result: ThreadResult = { inserted: [], changed: false, firstBody: null };
  for (const [position, m] of messages.entries()) {
    const parsed = Body.safeParse(bodyOf(m));
    if (!parsed.success) {
      w.tally.refuse('messages', m.externalId, `body: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
      continue;
    }
    const body = parsed.data;
    result.firstBody ??= body;
    const wanted = {
      ticket_id: ticketId,
      body,
      sender: m.sender satisfies Sender,
      author_id: await authorOf(w, m, contactId),
      internal: m.internal ? 1 : 0,
      created_at: m.createdAt,
    };
    const ref = await findRef(db, w.source, 'message', m.externalId);
    const current = ref ? await db.selectFrom('messages').selectAll().where('id', '=', ref.local_id).executeTakeFirst() : undefined;
    let id: string;
    if (current) {
      id = current.id;
      const same = (Object.keys(wanted) as (keyof typeof wanted)[]).every((k) => current[k] === wanted[k]);
      if (same) w.tally.skip('messages', 'unchanged');
      else {
        await db.updateTable('messages').set(wanted).where('id', '=', id).execute();
        w.tally.add('messages', 'updated');
        result.changed = true;
      }
    } else {
      const row: MessageRow = { id: importedId('message', w.source, m.externalId, m.createdAt, position), conversation_id: null, ...wanted };
      id = row.id;
      await db.insertInto('messages').values(row).execute();
      w.tally.add('messages', 'created');
      result.inserted.push(row);
      result.changed = true;
    }
    if (!ref || ref.local_id !== id) {
      await saveRef(db, { source: w.source, kind: 'message', externalId: m.externalId, localId: id, sourceUpdatedAt: null, linked: false });
    }
    for (const a of m.attachments) await applyAttachment(w, id, a);
  }
  return result;
}

async function applyAttachment(w: WriteScope, messageId: string, a: SourceAttachment): Promise<void> {
  const { db } = w.ctx;
  const wanted = { message_id: messageId, name: a.name, content_type: a.contentType, size: a.size, url: a.url };
  const current = await db
    .selectFrom('imported_attachments')
    .select(['message_id', 'name', 'content_type', 'size'])
    .where('source', '=', w.source)
    .where('external_id', '=', a.externalId)
    .executeTakeFirst();
  if (current && current.message_id === wanted.message_id && current.name === wanted.name && current.content_type === wanted.content_type && current.size === wanted.size) {
    // The URL is not compared: Freshdesk signs a fresh one on every read.
    w.tally.skip('attachments', 'unchanged');
    return;
  }
  await db
    .insertInto('imported_attachments')
    .values({ source: w.source, external_id: a.externalId, ...wanted })
    .onConflict((oc) => oc.columns(['source', 'external_id']).doUpdateSet(wanted))
    .execute();
  w.tally.add('attachments', current ? 'updated' : 'created');
}
