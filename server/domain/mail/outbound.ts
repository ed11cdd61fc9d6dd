// Agent replies out by e-mail. The mail follower (server/background/mailSender.ts) asks
// `planReply` about every message.created event and commits `queueReply`'s rows together with
// its cursor, so each reply is queued exactly once; the sender then builds the mail with
// `outgoingMail` and delivers it. Everything a retry must repeat identically (our Message-ID,
// the threading headers, the subject) is fixed when the reply is queued.
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { SendMailOptions } from 'nodemailer/lib/mailer';
import type { MailAddressT } from '../../../common/contract/mail.ts';
import type { Db, EventRow, MailOutboxRow } from '../../../db/schema.ts';
import { nowIso } from '../../core/clock.ts';
import type { Ctx } from '../context.ts';
import { recordDeliveryChanged } from './delivery.ts';
import type { MailHeadersJson } from './mail.presenter.ts';
import { insertMessageMail } from './messageMail.ts';
import { markerText, newReplyToken, plusAddress, replySubject } from './threading.ts';

/** What mail_outbox.headers holds. */
export interface OutboundHeadersJson {
  from: MailAddressT;
  to: MailAddressT;
  replyTo: string;
  subject: string;
  inReplyTo: string | null;
  references: string[];
  /** Sent by a workflow: marked Auto-Submitted so other systems do not answer it. */
  autoSubmitted: boolean;
  token: string;
}

export interface ReplyPlan {
  messageId: string;
  ticketId: string;
  mailbox: { id: string; name: string; address: string };
  to: MailAddressT;
  ticketNumber: number;
  subject: string;
  byWorkflow: boolean;
}

interface CreatedMessage {
  message?: { id?: string; sender?: string; internal?: boolean };
  ticketId?: string;
}

/**
 * The mailbox a ticket's mail goes through: the one its latest incoming mail came to, else its
 * project's, else the default one (no project); active ones only. Null: mail is off for it.
 */
export async function mailboxForTicket(db: Db, ticketId: string, projectId: string | null) {
  const active = () => db.selectFrom('mailboxes').select(['id', 'name', 'address']).where('active', '=', 1);
  const viaInbound = await active()
    .where(
      'id',
      '=',
      db
        .selectFrom('message_mail as mm')
        .innerJoin('messages as m', 'm.id', 'mm.message_id')
        .select('mm.mailbox_id')
        .where('m.ticket_id', '=', ticketId)
        .where('mm.direction', '=', 'in')
        .where('mm.automatic', 'is', null)
        .orderBy('m.created_at', 'desc')
        .limit(1),
    )
    .executeTakeFirst();
  if (viaInbound) return viaInbound;
  const ofProject = projectId
    ? await active().where('project_id', '=', projectId).orderBy('created_at').orderBy('id').limit(1).executeTakeFirst()
    : undefined;
  return ofProject ?? (await active().where('project_id', 'is', null).orderBy('created_at').orderBy('id').limit(1).executeTakeFirst()) ?? null;
}

/** Whether this event is an agent's reply a customer should get by e-mail, and how. */
export async function planReply(db: Db, event: EventRow): Promise<ReplyPlan | null> {
  if (event.type !== 'message.created') return null;
  const data = JSON.parse(event.data) as CreatedMessage;
  const messageId = data.message?.id;
  if (!messageId || !data.ticketId || data.message?.sender !== 'agent' || data.message.internal !== false) return null;
  // Cheap checks first: with no mailbox at all, mail is off and nothing else is read.
  const any = await db.selectFrom('mailboxes').select('id').where('active', '=', 1).limit(1).executeTakeFirst();
  if (!any) return null;
  const ticket = await db
    .selectFrom('tickets as t')
    .innerJoin('contacts as c', 'c.id', 't.contact_id')
    .innerJoin('messages as m', (join) => join.onRef('m.ticket_id', '=', 't.id').on('m.id', '=', messageId))
    .select(['t.id', 't.number', 't.subject', 't.project_id', 'c.email', 'c.name'])
    .executeTakeFirst();
  if (!ticket) return null; // deleted (or merged away) since
  const mailbox = await mailboxForTicket(db, ticket.id, ticket.project_id);
  if (!mailbox) return null;
  const lastSubject = await db
    .selectFrom('message_mail as mm')
    .innerJoin('messages as m', 'm.id', 'mm.message_id')
    .select('mm.headers')
    .where('m.ticket_id', '=', ticket.id)
    .where('mm.direction', '=', 'in')
    .where('mm.automatic', 'is', null)
    .orderBy('m.created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  const subject = lastSubject ? (JSON.parse(lastSubject.headers) as MailHeadersJson).subject : ticket.subject;
  return {
    messageId,
    ticketId: ticket.id,
    mailbox,
    to: { name: ticket.name, address: ticket.email },
    ticketNumber: ticket.number,
    subject: subject || ticket.subject,
    byWorkflow: event.actor_type === 'workflow',
  };
}

/** The ticket's reply token, made on its first mail. */
async function tokenFor(db: Db, ticketId: string): Promise<string> {
  const existing = await db.selectFrom('mail_ticket_tokens').select('token').where('ticket_id', '=', ticketId).executeTakeFirst();
  if (existing) return existing.token;
  const token = newReplyToken();
  await db.insertInto('mail_ticket_tokens').values({ ticket_id: ticketId, token }).execute();
  return token;
}

/** `<ldk.<msg id>.<random>@<mailbox domain>>`: ours at a glance, unguessable, unique per reply. */
export function ourMessageId(messageId: string, mailboxAddress: string): string {
  return `<ldk.${messageId}.${randomBytes(6).toString('hex')}@${mailboxAddress.slice(mailboxAddress.lastIndexOf('@') + 1)}>`;
}

/** The Message-IDs of the ticket's thread, oldest first (threading headers of our replies). */
async function threadIds(db: Db, mailboxId: string, ticketId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('mail_message_ids as mi')
    .innerJoin('messages as m', 'm.id', 'mi.message_row_id')
    .select('mi.message_id')
    .where('m.ticket_id', '=', ticketId)
    .where('mi.mailbox_id', '=', mailboxId)
    .orderBy('m.created_at')
    .orderBy('m.id')
    .execute();
  return rows.map((r) => r.message_id);
}

/** Was the last mail that came in on this ticket automatic (an auto-reply, a list)? */
async function lastInboundWasAutomatic(db: Db, ticketId: string, before: string): Promise<string | null> {
  const row = await db
    .selectFrom('message_mail as mm')
    .innerJoin('messages as m', 'm.id', 'mm.message_id')
    .select('mm.automatic')
    .where('m.ticket_id', '=', ticketId)
    .where('mm.direction', '=', 'in')
    .where('m.id', '!=', before)
    .orderBy('m.created_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.automatic ?? null;
}

/**
 * Queues the reply (in the follower's transaction): the outbox row, the message's mail side and
 * our Message-ID remembered for threading the answer. A workflow's reply to a ticket whose last
 * mail in was automatic is held back (`suppressed`): no auto-reply to an auto-reply, ever.
 */
export async function queueReply(ctx: Ctx, plan: ReplyPlan): Promise<void> {
  const { db } = ctx;
  const now = nowIso(ctx.clock);
  const token = await tokenFor(db, plan.ticketId);
  const chain = await threadIds(db, plan.mailbox.id, plan.ticketId);
  // References: the root and the newest, within what servers accept in one header.
  const references = chain.length > 20 ? [chain[0] as string, ...chain.slice(-19)] : chain;
  const mailMessageId = ourMessageId(plan.messageId, plan.mailbox.address);
  const headers: OutboundHeadersJson = {
    from: { name: plan.mailbox.name, address: plan.mailbox.address },
    to: plan.to,
    replyTo: plusAddress(plan.mailbox.address, token),
    subject: replySubject(plan.subject, plan.ticketNumber),
    inReplyTo: chain[chain.length - 1] ?? null,
    references,
    autoSubmitted: plan.byWorkflow,
    token,
  };
  const automatic = plan.byWorkflow ? await lastInboundWasAutomatic(db, plan.ticketId, plan.messageId) : null;
  await db
    .insertInto('mail_outbox')
    .values({
      message_id: plan.messageId,
      mailbox_id: plan.mailbox.id,
      to_address: plan.to.address,
      mail_message_id: mailMessageId,
      headers: JSON.stringify(headers),
      status: automatic ? 'suppressed' : 'queued',
      attempts: 0,
      next_attempt_at: automatic ? null : now,
      last_error: automatic ? `Not sent: an automatic answer to an automatic message (${automatic})` : null,
      sent_at: null,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
  await insertMessageMail(db, plan.messageId, plan.ticketId, {
    mailboxId: plan.mailbox.id,
    direction: 'out',
    headers: { messageId: mailMessageId, from: headers.from, to: [plan.to], cc: [], subject: headers.subject },
    bodyHtml: null,
    bodyFull: null,
    automatic: null,
  });
  await db
    .insertInto('mail_message_ids')
    .values({ mailbox_id: plan.mailbox.id, message_id: mailMessageId, message_row_id: plan.messageId, direction: 'out', created_at: now })
    .onConflict((oc) => oc.doNothing())
    .execute();
  await recordDeliveryChanged(ctx, plan.messageId);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * A file to send with the reply: its bytes as a stream from the attachment store, which keeps
 * them in files (SQLite) or in the database (PostgreSQL), so the sender never needs a path.
 */
export interface OutgoingFile {
  filename: string;
  contentType: string;
  content: Readable;
}

/**
 * The mail for a queued reply, as nodemailer takes it: text and an HTML twin that carries the
 * ticket's hidden marker, our fixed Message-ID, the thread's In-Reply-To and References, the
 * plus address to reply to.
 */
export function outgoingMail(row: MailOutboxRow, body: string, files: readonly OutgoingFile[] = []): SendMailOptions {
  const h = JSON.parse(row.headers) as OutboundHeadersJson;
  const html =
    `<div style="white-space:pre-wrap">${escapeHtml(body)}</div>` +
    // Invisible in the reader, quoted back by most clients: the third way a reply finds its ticket.
    `<div style="display:none;font-size:0;line-height:0;max-height:0;overflow:hidden;mso-hide:all">${markerText(h.token)}</div>`;
  return {
    from: { name: h.from.name ?? '', address: h.from.address },
    to: h.to.name ? { name: h.to.name, address: h.to.address } : h.to.address,
    replyTo: h.replyTo,
    subject: h.subject,
    messageId: row.mail_message_id,
    ...(h.inReplyTo ? { inReplyTo: h.inReplyTo } : {}),
    ...(h.references.length > 0 ? { references: h.references } : {}),
    text: body,
    html,
    headers: {
      ...(h.autoSubmitted ? { 'Auto-Submitted': 'auto-replied' } : {}),
      // Other systems' auto-responders: please do not answer (Exchange honours this one).
      'X-Auto-Response-Suppress': h.autoSubmitted ? 'All' : 'OOF, AutoReply',
    },
    attachments: files.map((f) => ({ filename: f.filename, contentType: f.contentType, content: f.content })),
  };
}
