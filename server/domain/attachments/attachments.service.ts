// Attachments: an upload streamed into the store with its row, read back with the scope of the
// ticket or conversation it belongs to, and attached to a message in that message's transaction.
import type { Readable } from 'node:stream';
import { sql } from 'kysely';
import { dialectOf } from '../../../db/dialect.ts';
import type { AttachmentRow } from '../../../db/schema.ts';
import type { AttachmentT } from '../../../common/contract/attachments.ts';
import { cleanFileName, mediaTypeOf } from '../../../common/rules/attachments.ts';
import { type Scope, hasScope } from '../../../common/rules/scopes.ts';
import { nowIso } from '../../core/clock.ts';
import { AppError, conflict, invalidField, notFound } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { requireScope } from '../auth/principal.ts';
import { type Ctx, inTransaction } from '../context.ts';
import { recordEvent } from '../events/events.record.ts';
import { presentAttachment } from './attachments.presenter.ts';
import { AbortedError, type AttachmentStore, TooLargeError } from './attachments.store.ts';

export interface NewUpload {
  /** The file name as sent (cleaned here). */
  name: string;
  /** The Content-Type the uploader declared, if any. */
  declaredType: string | null;
  source: Readable;
  limitBytes: number;
  /** The id to give it, when the caller derives one (an import's, the same on every run). */
  id?: string;
}

export function tooLarge(limitBytes: number, what: string): AppError {
  const mb = limitBytes / (1024 * 1024);
  return new AppError('PAYLOAD_TOO_LARGE', `${what} is limited to ${Number.isInteger(mb) ? `${mb} MB` : `${limitBytes} bytes`}`, {
    limitBytes,
  });
}

/** Uploading needs one of the write scopes that can put a file on a message. */
function assertMayUpload(ctx: Ctx): void {
  const { scopes } = ctx.actor;
  if (!hasScope(scopes, 'tickets:write') && !hasScope(scopes, 'conversations:write')) {
    requireScope(ctx.actor, 'tickets:write');
  }
}

/**
 * Streams an upload into the store and records its row (and `attachment.created`). The file gets
 * its final name inside the row's transaction, so there is never a row without its whole file.
 */
export async function createAttachment(ctx: Ctx, store: AttachmentStore, upload: NewUpload): Promise<AttachmentT> {
  assertMayUpload(ctx);
  let received;
  try {
    received = await store.receive(upload.source, upload.limitBytes);
  } catch (err) {
    if (err instanceof TooLargeError) throw tooLarge(err.limitBytes, 'an attachment');
    if (err instanceof AbortedError) throw invalidField('body', err.message);
    throw err;
  }
  const row: AttachmentRow = {
    id: upload.id ?? newId('attachment', ctx.clock),
    name: cleanFileName(upload.name),
    size: received.size,
    declared_type: mediaTypeOf(upload.declaredType),
    sniffed_type: received.sniffedType,
    sha256: received.sha256,
    uploaded_by: ctx.actor.userId,
    created_at: nowIso(ctx.clock),
    linked_at: null,
  };
  try {
    await inTransaction(ctx, async (tx) => {
      await tx.db.insertInto('attachments').values(row).execute();
      await recordEvent(tx, {
        type: 'attachment.created',
        resourceType: 'attachment',
        resourceId: row.id,
        data: { attachment: presentAttachment(row) },
      });
      await store.place(received, tx.db);
    });
  } catch (err) {
    await store.discard(received);
    // It may have been placed before the commit failed: let the collector look at it.
    await ctx.db
      .insertInto('attachment_orphans')
      .values({ sha256: row.sha256, queued_at: null })
      .onConflict((oc) => oc.doNothing())
      .execute()
      .catch(() => undefined);
    throw err;
  }
  await store.syncName(row.sha256);
  return presentAttachment(row);
}

/**
 * The row, if the caller may read it: an attachment on a ticket's message needs tickets:read, one
 * on a conversation's needs conversations:read (either suffices when it is on both, after a
 * conversion); an upload not yet on a message is its uploader's (and admins'), and anyone else is
 * told it does not exist.
 */
export async function readableAttachment(ctx: Ctx, id: string): Promise<AttachmentRow> {
  const row = await ctx.db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('attachment', id);
  const { scopes, userId } = ctx.actor;
  const owners = await ctx.db
    .selectFrom('message_attachments as ma')
    .innerJoin('messages as m', 'm.id', 'ma.message_id')
    .select(['m.ticket_id', 'm.conversation_id'])
    .where('ma.attachment_id', '=', id)
    .execute();
  if (owners.length === 0) {
    if (hasScope(scopes, 'admin') || (userId !== null && userId === row.uploaded_by)) return row;
    throw notFound('attachment', id);
  }
  const needed: Scope[] = [];
  if (owners.some((o) => o.ticket_id !== null)) needed.push('tickets:read');
  if (owners.some((o) => o.conversation_id !== null)) needed.push('conversations:read');
  if (needed.some((scope) => hasScope(scopes, scope))) return row;
  requireScope(ctx.actor, needed[0] ?? 'tickets:read');
  return row;
}

export async function getAttachment(ctx: Ctx, id: string): Promise<AttachmentT> {
  return presentAttachment(await readableAttachment(ctx, id));
}

export interface AttachmentLimits {
  /** The most the attachments of one message may hold together (413 past it). */
  maxMessageAttachmentBytes: number;
}

/**
 * Puts uploads on a new message, in the order given, inside the message's transaction. Each
 * must exist, be the caller's own upload (or the caller an admin) and not be on a message yet
 * (an upload belongs to one message; a conversion's copies share the original's files);
 * together they must fit the per-message limit when one is given.
 */
export async function attachToMessage(
  ctx: Ctx,
  messageId: string,
  ids: readonly string[] | undefined,
  limits?: AttachmentLimits,
): Promise<AttachmentT[]> {
  if (!ids || ids.length === 0) return [];
  return inTransaction(ctx, async (tx) => {
    const rows = await tx.db.selectFrom('attachments').selectAll().where('id', 'in', ids).execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    const isAdmin = hasScope(ctx.actor.scopes, 'admin');
    const ordered = ids.map((id, i) => {
      const row = byId.get(id);
      if (!row || (!isAdmin && (ctx.actor.userId === null || row.uploaded_by !== ctx.actor.userId))) {
        throw invalidField(`attachments.${i}`, `no attachment ${id} uploaded by you`);
      }
      if (row.linked_at !== null) {
        throw conflict(`attachment ${id} is already on a message; upload the file again to attach it here`, {
          attachmentId: id,
        });
      }
      return row;
    });
    const total = ordered.reduce((sum, r) => sum + r.size, 0);
    if (limits && total > limits.maxMessageAttachmentBytes) {
      throw tooLarge(limits.maxMessageAttachmentBytes, "a message's attachments together");
    }
    const now = nowIso(ctx.clock);
    await tx.db
      .insertInto('message_attachments')
      .values(ordered.map((r, position) => ({ message_id: messageId, attachment_id: r.id, position })))
      .execute();
    await tx.db.updateTable('attachments').set({ linked_at: now }).where('id', 'in', ids).execute();
    return ordered.map((r) => presentAttachment({ ...r, linked_at: now }));
  });
}

/** Gives copies of messages (a conversation turned into a ticket) the files of their originals. */
export async function shareAttachments(ctx: Ctx, copies: readonly { from: string; to: string }[]): Promise<void> {
  if (copies.length === 0) return;
  // One statement for the whole thread: the pairs go in as one JSON array.
  await sql`insert into message_attachments (message_id, attachment_id, position)
    select j.value ->> 'to', ma.attachment_id, ma.position
    from ${dialectOf(ctx.db).jsonEach(JSON.stringify(copies))} j
    join message_attachments ma on ma.message_id = j.value ->> 'from'`.execute(ctx.db);
}
