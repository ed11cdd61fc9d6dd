// Fetched mail that could not be imported (unparseable, too large, refused by a rule), kept
// aside with its raw bytes and the error, in the same transaction that moves the fetch position
// past it: one bad message never blocks the ones after it, and nothing is lost. An administrator
// sees the list under Settings → Mailboxes and retries (after a fix) or dismisses each one.
import { countRows } from '../../../db/queries/count.ts';
import type { MailQuarantineRow } from '../../../db/schema.ts';
import type { ListPage } from '../../../common/contract/base.ts';
import type { QuarantinedMailT, QuarantineListParams, QuarantineRetryResultT } from '../../../common/contract/mailboxes.ts';
import { nowIso } from '../../core/clock.ts';
import { conflict, notFound } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { type Ctx, inTransaction } from '../context.ts';
import { recordEvent } from '../events/events.record.ts';
import type { AttachmentStore } from '../attachments/attachments.store.ts';
import { storeMailFiles } from './files.ts';
import { type MailPosition, advancePosition, importMail, mailboxActor } from './inbound.ts';
import { loadMailbox } from './mailboxes.service.ts';
import { parseInbound } from './parse.ts';

const maxErrorChars = 2000;

type QuarantineSummary = Omit<MailQuarantineRow, 'raw'> & { retryable: number };

export function presentQuarantined(row: QuarantineSummary): QuarantinedMailT {
  return {
    id: row.id,
    mailboxId: row.mailbox_id,
    folder: row.folder,
    uid: row.uid,
    messageId: row.message_id,
    from: row.from_address,
    subject: row.subject,
    size: row.size,
    error: row.error,
    retryable: row.retryable === 1,
    attempts: row.attempts,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export interface QuarantineEntry {
  position: MailPosition;
  messageId: string | null;
  from: string | null;
  subject: string | null;
  size: number;
  /** The message as fetched; null when it was not read (too large). */
  raw: Buffer | null;
  error: string;
}

/** Keeps a message aside and moves the position past it, in one transaction. */
export async function quarantineMail(ctx: Ctx, mailboxId: string, entry: QuarantineEntry): Promise<void> {
  const tx0: Ctx = { ...ctx, actor: mailboxActor(mailboxId) };
  await inTransaction(tx0, async (tx) => {
    const now = nowIso(tx.clock);
    const id = newId('quarantinedMail', tx.clock);
    const error = entry.error.slice(0, maxErrorChars);
    await tx.db
      .insertInto('mail_quarantine')
      .values({
        id,
        mailbox_id: mailboxId,
        folder: entry.position.folder,
        uid_validity: entry.position.uidValidity,
        uid: entry.position.uid,
        message_id: entry.messageId,
        from_address: entry.from,
        subject: entry.subject?.slice(0, 300) ?? null,
        size: entry.size,
        raw: entry.raw,
        error,
        attempts: 1,
        created_at: now,
        updated_at: now,
      })
      .onConflict((oc) =>
        oc.columns(['mailbox_id', 'folder', 'uid_validity', 'uid']).doUpdateSet((eb) => ({
          error,
          attempts: eb('mail_quarantine.attempts', '+', 1),
          updated_at: now,
        })),
      )
      .execute();
    await advancePosition(tx.db, mailboxId, entry.position, now, false);
    await recordEvent(tx, {
      type: 'mailbox.quarantined',
      resourceType: 'mailbox',
      resourceId: mailboxId,
      data: { mailboxId, error, messageId: entry.messageId, subject: entry.subject },
    });
  });
}

function summaries(ctx: Ctx) {
  return ctx.db
    .selectFrom('mail_quarantine')
    .select([
      'id', 'mailbox_id', 'folder', 'uid_validity', 'uid', 'message_id', 'from_address', 'subject', 'size', 'error',
      'attempts', 'created_at', 'updated_at',
    ])
    .select((eb) => eb.case().when('raw', 'is not', null).then(1).else(0).end().as('retryable'));
}

export async function listQuarantined(ctx: Ctx, mailboxId: string, params: QuarantineListParams): Promise<ListPage<QuarantinedMailT>> {
  await loadMailbox(ctx.db, mailboxId);
  const total = await countRows(ctx.db.selectFrom('mail_quarantine').where('mailbox_id', '=', mailboxId));
  const rows = await summaries(ctx)
    .where('mailbox_id', '=', mailboxId)
    .orderBy('created_at', params.sortOrder)
    .orderBy('id', params.sortOrder)
    .limit(params.limit)
    .offset(params.offset)
    .execute();
  return { data: rows.map(presentQuarantined), meta: { total, limit: params.limit, offset: params.offset } };
}

/** Forgets a quarantined message (it stays in the mailbox on the server). */
export async function dismissQuarantined(ctx: Ctx, mailboxId: string, id: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const result = await tx.db.deleteFrom('mail_quarantine').where('id', '=', id).where('mailbox_id', '=', mailboxId).executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) throw notFound('quarantined message', id);
    await recordEvent(tx, { type: 'mailbox.quarantine_dismissed', resourceType: 'mailbox', resourceId: mailboxId, data: { mailboxId, id } });
  });
}

/**
 * Imports a quarantined message again (parse and store, as if just fetched); on success it
 * leaves the quarantine, in the same transaction. Still failing: 409 with the new error, which
 * the entry now shows.
 */
export async function retryQuarantined(
  ctx: Ctx,
  store: AttachmentStore,
  mailboxId: string,
  id: string,
  limitBytes: number,
): Promise<QuarantineRetryResultT> {
  const mailbox = await loadMailbox(ctx.db, mailboxId);
  const row = await ctx.db.selectFrom('mail_quarantine').selectAll().where('id', '=', id).where('mailbox_id', '=', mailboxId).executeTakeFirst();
  if (!row) throw notFound('quarantined message', id);
  if (!row.raw) throw conflict('this message was too large to keep; it cannot be retried (raise LOCALDESK_MAIL_MAX_MESSAGE_MB to fetch it again)', { retryable: false });
  const raw = Buffer.from(row.raw);
  try {
    const parsed = await parseInbound(raw, { ownAddress: mailbox.address });
    const mailCtx: Ctx = { ...ctx, actor: mailboxActor(mailbox.id) };
    const files = parsed.automatic ? undefined : await storeMailFiles(mailCtx, store, parsed, raw, limitBytes);
    return await inTransaction(ctx, async (tx) => {
      const outcome = await importMail(tx, { id: mailbox.id, address: mailbox.address, projectId: mailbox.project_id }, parsed, { files });
      await tx.db.deleteFrom('mail_quarantine').where('id', '=', id).execute();
      return { ticketId: outcome.ticketId, messageId: outcome.messageId };
    });
  } catch (err) {
    const error = `${err instanceof Error ? err.message : String(err)}`.slice(0, maxErrorChars);
    await inTransaction(ctx, (tx) =>
      tx.db
        .updateTable('mail_quarantine')
        .set((eb) => ({ error, attempts: eb('attempts', '+', 1), updated_at: nowIso(tx.clock) }))
        .where('id', '=', id)
        .execute(),
    );
    throw conflict(`the message still cannot be imported: ${error}`, { error });
  }
}
