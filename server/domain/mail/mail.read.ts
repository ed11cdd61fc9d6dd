// The mail side of a ticket's messages, read beside the thread: one probe of message_mail's
// ticket index (nothing more for a ticket that never saw mail), and a primary-key probe of the
// outbox for each mail message. Cheaper than joining both tables on every message of every
// thread, which measured twice the cost of the thread read itself.
import { prepared } from '../../../db/prepared.ts';
import type { Db } from '../../../db/schema.ts';
import { type MailParts, messageMailColumns, presentMailParts } from './mail.presenter.ts';

const mailOfTicket = prepared((db: Db, ticketId: string) =>
  db
    .selectFrom('message_mail as mm')
    .leftJoin('mail_outbox as o', 'o.message_id', 'mm.message_id')
    .select('mm.message_id')
    .select(messageMailColumns)
    .where('mm.ticket_id', '=', ticketId),
);

/** Message id → what it carries by mail, for the messages of this ticket that travelled by mail. */
export async function mailPartsOfTicket(db: Db, ticketId: string): Promise<Map<string, MailParts>> {
  const rows = await mailOfTicket(db, ticketId);
  return new Map(rows.map((r) => [r.message_id, presentMailParts(r)]));
}
