// What a message's presentation adds when it travelled by mail: read in the same query as the
// thread (two primary-key joins), so a ticket with its thread is still one read.
import type { MessageDeliveryT, MessageEmailT, MailAddressT } from '../../../common/contract/mail.ts';
import type { MailDirection, OutboxStatus } from '../../../db/schema.ts';

/** The headers a mail message keeps for display (message_mail.headers). */
export interface MailHeadersJson {
  messageId: string;
  from: MailAddressT | null;
  to: MailAddressT[];
  cc: MailAddressT[];
  subject: string;
  originalAttachmentId?: string | null;
}

/** The columns `messageMailColumns` selects, as they come back. */
export interface MessageMailColumns {
  mail_direction: MailDirection | null;
  mail_mailbox_id: string | null;
  mail_headers: string | null;
  mail_body_html: string | null;
  mail_body_full: string | null;
  mail_automatic: string | null;
  out_status: OutboxStatus | null;
  out_to: string | null;
  out_attempts: number | null;
  out_error: string | null;
  out_next_attempt_at: string | null;
  out_sent_at: string | null;
}

/** Select list for a messages query joined `message_mail as mm` and `mail_outbox as o` (left joins). */
export const messageMailColumns = [
  'mm.direction as mail_direction',
  'mm.mailbox_id as mail_mailbox_id',
  'mm.headers as mail_headers',
  'mm.body_html as mail_body_html',
  'mm.body_full as mail_body_full',
  'mm.automatic as mail_automatic',
  'o.status as out_status',
  'o.to_address as out_to',
  'o.attempts as out_attempts',
  'o.last_error as out_error',
  'o.next_attempt_at as out_next_attempt_at',
  'o.sent_at as out_sent_at',
] as const;

export interface MailParts {
  bodyHtml: string | null;
  bodyFull: string | null;
  email: MessageEmailT | null;
  delivery: MessageDeliveryT | null;
}

export const noMailParts: MailParts = { bodyHtml: null, bodyFull: null, email: null, delivery: null };

export function presentMailParts(row: Partial<MessageMailColumns>): MailParts {
  let email: MessageEmailT | null = null;
  if (row.mail_headers && row.mail_direction) {
    const h = JSON.parse(row.mail_headers) as MailHeadersJson;
    email = {
      direction: row.mail_direction === 'in' ? 'inbound' : 'outbound',
      mailboxId: row.mail_mailbox_id ?? null,
      messageId: h.messageId,
      from: h.from,
      to: h.to,
      cc: h.cc,
      subject: h.subject,
      automatic: row.mail_automatic ?? null,
      originalAttachmentId: h.originalAttachmentId ?? null,
    };
  }
  const delivery: MessageDeliveryT | null = row.out_status
    ? {
        status: row.out_status,
        to: row.out_to ?? '',
        attempts: row.out_attempts ?? 0,
        error: row.out_error ?? null,
        nextAttemptAt: row.out_status === 'queued' ? (row.out_next_attempt_at ?? null) : null,
        sentAt: row.out_sent_at ?? null,
      }
    : null;
  return { bodyHtml: row.mail_body_html ?? null, bodyFull: row.mail_body_full ?? null, email, delivery };
}
