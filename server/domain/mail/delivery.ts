// Where an agent's reply by e-mail stands (mail_outbox): each change to it is a
// `message.updated` event naming `delivery`, so the thread shows queued → sent / failed live.
import type { MessageT } from '../../../common/contract/tickets.ts';
import type { OutboxStatus } from '../../../db/schema.ts';
import { nowIso } from '../../core/clock.ts';
import { AppError, conflict, notFound } from '../../core/errors.ts';
import { type Ctx, inTransaction } from '../context.ts';
import { recordEvent } from '../events/events.record.ts';
import { presentMessage } from '../tickets/tickets.presenter.ts';
import { attachmentsOfMessages } from '../attachments/attachments.presenter.ts';
import type { BounceReport } from './automatic.ts';
import { messageMailColumns, presentMailParts } from './mail.presenter.ts';

/** A ticket message as the API presents it, with its mail side and delivery. */
export async function presentStoredMessage(ctx: Ctx, messageId: string): Promise<MessageT | null> {
  const row = await ctx.db
    .selectFrom('messages as m')
    .leftJoin('message_mail as mm', 'mm.message_id', 'm.id')
    .leftJoin('mail_outbox as o', 'o.message_id', 'm.id')
    .selectAll('m')
    .select(messageMailColumns)
    .where('m.id', '=', messageId)
    .executeTakeFirst();
  if (!row) return null;
  const files = await attachmentsOfMessages(ctx.db, [messageId]);
  return presentMessage(row, files.get(messageId), presentMailParts(row));
}

/** Records message.updated (changes: delivery) with the message as it now reads. */
export async function recordDeliveryChanged(ctx: Ctx, messageId: string): Promise<MessageT | null> {
  const message = await presentStoredMessage(ctx, messageId);
  if (!message) return null;
  await recordEvent(ctx, {
    type: 'message.updated',
    resourceType: 'message',
    resourceId: messageId,
    data: { message, ticketId: message.ticketId ?? null, changes: ['delivery'] },
  });
  return message;
}

/** The outcome of one send attempt, as the sender saw it. */
export interface AttemptOutcome {
  status: Exclude<OutboxStatus, 'suppressed'>;
  error: string | null;
  nextAttemptAt: string | null;
}

/** Records an attempt's outcome; false when the row is gone or no longer queued (nothing recorded). */
export async function recordAttempt(ctx: Ctx, messageId: string, outcome: AttemptOutcome): Promise<boolean> {
  return inTransaction(ctx, async (tx) => {
    const now = nowIso(tx.clock);
    const current = await tx.db.selectFrom('mail_outbox').select(['status', 'attempts']).where('message_id', '=', messageId).executeTakeFirst();
    if (!current || current.status !== 'queued') return false;
    await tx.db
      .updateTable('mail_outbox')
      .set({
        status: outcome.status,
        attempts: current.attempts + 1,
        next_attempt_at: outcome.status === 'queued' ? outcome.nextAttemptAt : null,
        claimed_until: null, // the attempt is over: the next one may go from any server
        last_error: outcome.error,
        sent_at: outcome.status === 'sent' ? now : null,
        updated_at: now,
      })
      .where('message_id', '=', messageId)
      .execute();
    await recordDeliveryChanged(tx, messageId);
    return true;
  });
}

/**
 * A bounce of a mail we sent: the delivery is marked failed with what the report says (a delayed
 * notice changes nothing). Returns the ticket whose message it was, or null when the bounce is
 * not about one of ours.
 */
export async function markBounced(ctx: Ctx, mailboxId: string, report: BounceReport): Promise<{ ticketId: string | null } | null> {
  if (report.originalMessageIds.length === 0) return null;
  const row = await ctx.db
    .selectFrom('mail_outbox as o')
    .innerJoin('messages as m', 'm.id', 'o.message_id')
    .select(['o.message_id', 'o.status', 'm.ticket_id'])
    .where('o.mail_message_id', 'in', report.originalMessageIds)
    .where((eb) => eb.or([eb('o.mailbox_id', '=', mailboxId), eb('o.mailbox_id', 'is', null)]))
    .executeTakeFirst();
  if (!row) return null;
  const failed = report.action === 'failed' || (report.status?.startsWith('5.') ?? false);
  if (!failed) return { ticketId: row.ticket_id };
  const now = nowIso(ctx.clock);
  const words = [report.status, report.diagnostic ?? (report.recipient ? `for ${report.recipient}` : null)].filter(Boolean).join(' ');
  await ctx.db
    .updateTable('mail_outbox')
    .set({ status: 'failed', next_attempt_at: null, claimed_until: null, last_error: `Bounced: ${words || 'the receiving server returned it'}`.slice(0, 1000), updated_at: now })
    .where('message_id', '=', row.message_id)
    .execute();
  await recordDeliveryChanged(ctx, row.message_id);
  return { ticketId: row.ticket_id };
}

/**
 * Sends a reply again that failed (or was held back as an answer to an automatic message): it
 * is queued, due now, with a fresh count of attempts. 409 for one already sent or queued.
 */
export async function retryDelivery(ctx: Ctx, ticketId: string, messageId: string): Promise<MessageT> {
  return inTransaction(ctx, async (tx) => {
    const row = await tx.db
      .selectFrom('mail_outbox as o')
      .innerJoin('messages as m', 'm.id', 'o.message_id')
      .select(['o.status', 'o.mailbox_id', 'm.ticket_id'])
      .where('o.message_id', '=', messageId)
      .executeTakeFirst();
    if (!row || row.ticket_id !== ticketId) {
      const exists = await tx.db.selectFrom('messages').select('ticket_id').where('id', '=', messageId).executeTakeFirst();
      if (!exists || exists.ticket_id !== ticketId) throw notFound('message', messageId);
      throw conflict(`message ${messageId} is not a reply sent by e-mail: there is nothing to deliver`, { delivery: null });
    }
    if (row.status === 'sent' || row.status === 'queued') {
      throw conflict(`message ${messageId} is already ${row.status}`, { status: row.status });
    }
    if (row.mailbox_id === null) {
      throw new AppError('CONFLICT', 'the mailbox this reply was queued for has been deleted', { status: row.status });
    }
    const now = nowIso(tx.clock);
    await tx.db
      .updateTable('mail_outbox')
      .set({ status: 'queued', attempts: 0, next_attempt_at: now, last_error: null, claimed_until: null, updated_at: now })
      .where('message_id', '=', messageId)
      .execute();
    const message = await recordDeliveryChanged(tx, messageId);
    if (!message) throw notFound('message', messageId);
    return message;
  });
}
