// The mail side of a message (message_mail), written in the message's own transaction by
// whichever path creates the message, so its message.created event already carries it.
import type { Db, MailDirection } from '../../../db/schema.ts';
import { type MailHeadersJson, type MailParts, presentMailParts } from './mail.presenter.ts';

export interface NewMessageMail {
  mailboxId: string | null;
  direction: MailDirection;
  headers: MailHeadersJson;
  bodyHtml: string | null;
  bodyFull: string | null;
  automatic: string | null;
}

export async function insertMessageMail(db: Db, messageId: string, ticketId: string, mail: NewMessageMail): Promise<void> {
  await db
    .insertInto('message_mail')
    .values({
      message_id: messageId,
      ticket_id: ticketId,
      mailbox_id: mail.mailboxId,
      direction: mail.direction,
      headers: JSON.stringify(mail.headers),
      body_html: mail.bodyHtml,
      body_full: mail.bodyFull,
      automatic: mail.automatic,
    })
    .execute();
}

/** How a message with this mail side presents before anything was sent for it. */
export function mailPartsOf(mail: NewMessageMail | undefined): MailParts {
  return presentMailParts(
    mail
      ? {
          mail_direction: mail.direction,
          mail_mailbox_id: mail.mailboxId,
          mail_headers: JSON.stringify(mail.headers),
          mail_body_html: mail.bodyHtml,
          mail_body_full: mail.bodyFull,
          mail_automatic: mail.automatic,
        }
      : {},
  );
}
