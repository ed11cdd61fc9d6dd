// Which ticket an incoming mail continues, tried in this order, each stronger than the next:
//   1. In-Reply-To / References against every Message-ID this mailbox received or sent;
//   2. the reply token in a plus address we gave out (support+t-<token>@…), found in To, Cc,
//      Delivered-To or X-Original-To: survives clients that drop the threading headers;
//   3. the same token in the hidden marker of a mail we sent, quoted back in the body;
//   4. the ticket number in the subject ([#1042]), but only from the ticket's own contact, since
//      numbers are easy to guess.
// Tokens are 80 random bits per ticket, not the ticket id: guessing another customer's is
// infeasible. Message-IDs resolve through the message they became, so a merged ticket's mail
// follows its messages to the ticket they were merged into.
import { randomBytes } from 'node:crypto';
import type { Db } from '../../../db/schema.ts';
import type { ParsedInbound } from './parse.ts';

const base32 = 'abcdefghijklmnopqrstuvwxyz234567';
const tokenBody = '[a-z2-7]{16}';
const plusToken = new RegExp(`^([^+@\\s]+)\\+t-(${tokenBody})@([^@\\s]+)$`);
const markerToken = new RegExp(`\\[ref:t-(${tokenBody})\\]`, 'g');
const numberTag = /\[#(\d{1,9})\]/g;

/** A new reply token: 16 lower-case base32 characters (80 bits). */
export function newReplyToken(): string {
  const bytes = randomBytes(10);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += base32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/** `support@example.com` + token → `support+t-<token>@example.com`. */
export function plusAddress(mailboxAddress: string, token: string): string {
  const at = mailboxAddress.lastIndexOf('@');
  return `${mailboxAddress.slice(0, at)}+t-${token}${mailboxAddress.slice(at)}`;
}

/** The text of the hidden marker put in the body of every mail we send for a ticket. */
export function markerText(token: string): string {
  return `[ref:t-${token}]`;
}

/** Tokens in plus addresses of this mailbox among the recipients. */
export function tokensInRecipients(recipients: readonly string[], mailboxAddress: string): string[] {
  const [local, domain] = mailboxAddress.toLowerCase().split('@');
  return recipients.flatMap((address) => {
    const m = plusToken.exec(address.toLowerCase());
    return m && m[1] === local && m[3] === domain ? [m[2] as string] : [];
  });
}

export function tokensInBody(...texts: readonly string[]): string[] {
  return [...new Set(texts.flatMap((t) => [...t.matchAll(markerToken)].map((m) => m[1] as string)))];
}

/** The ticket number tagged in a subject ([#1042]); the last tag when there are several. */
export function subjectNumber(subject: string): number | null {
  const tags = [...subject.matchAll(numberTag)];
  const last = tags[tags.length - 1];
  return last ? Number(last[1]) : null;
}

/** "Re: <subject> [#1042]", with earlier Re:/Fwd: prefixes and number tags taken off first. */
export function replySubject(subject: string, ticketNumber: number): string {
  let base = subject.replace(numberTag, ' ').replace(/\s+/g, ' ').trim();
  for (;;) {
    const stripped = base.replace(/^(re|aw|sv|wg|fwd?|tr)\s*(\[\d+\])?\s*:\s*/i, '');
    if (stripped === base) break;
    base = stripped;
  }
  return `Re: ${base || '(no subject)'} [#${ticketNumber}]`;
}

export type ThreadedBy = 'references' | 'reply-address' | 'marker' | 'subject';

export interface ThreadMatch {
  ticketId: string;
  by: ThreadedBy;
}

/** The ticket this mail continues, by the rules above, or null for a new conversation. */
export async function findThread(db: Db, mailboxId: string, mailboxAddress: string, mail: ParsedInbound): Promise<ThreadMatch | null> {
  // Newest first: In-Reply-To, then References from the end. A very long chain is cut; the
  // newest IDs are the ones that matter.
  const ids = mail.replyIds.slice(0, 500);
  if (ids.length > 0) {
    const rows = await db
      .selectFrom('mail_message_ids as mi')
      .innerJoin('messages as m', 'm.id', 'mi.message_row_id')
      .select(['mi.message_id', 'm.ticket_id'])
      .where('mi.mailbox_id', '=', mailboxId)
      .where('mi.message_id', 'in', ids)
      .execute();
    const byId = new Map(rows.map((r) => [r.message_id, r.ticket_id]));
    for (const id of ids) {
      const ticketId = byId.get(id);
      if (ticketId) return { ticketId, by: 'references' };
    }
  }
  const byToken = async (tokens: string[]) => {
    if (tokens.length === 0) return null;
    const row = await db.selectFrom('mail_ticket_tokens').select('ticket_id').where('token', 'in', tokens).executeTakeFirst();
    return row?.ticket_id ?? null;
  };
  const fromAddress = await byToken(tokensInRecipients(mail.recipients, mailboxAddress));
  if (fromAddress) return { ticketId: fromAddress, by: 'reply-address' };
  const fromMarker = await byToken(tokensInBody(mail.body, mail.bodyFull ?? '', mail.rawHtml));
  if (fromMarker) return { ticketId: fromMarker, by: 'marker' };

  const number = subjectNumber(mail.subject);
  const senders = [mail.from?.address, mail.requester?.address].filter((a): a is string => !!a);
  if (number !== null && senders.length > 0) {
    const row = await db
      .selectFrom('tickets as t')
      .innerJoin('contacts as c', 'c.id', 't.contact_id')
      .select(['t.id', 'c.email'])
      .where('t.number', '=', number)
      .executeTakeFirst();
    if (row && senders.includes(row.email)) return { ticketId: row.id, by: 'subject' };
  }
  return null;
}
