// One fetched message into the desk, in one transaction with the fetch position: a new ticket,
// a reply on the ticket it continues, a note of an automatic answer, a bounce marked on the mail
// it bounces — or nothing. Either all of it and the new position commit, or none of it, so a
// crash re-reads at most the message in flight; the Message-ID (per mailbox) is remembered in
// the same transaction, so a message fetched twice is imported once.
import type { Db } from '../../../db/schema.ts';
import { transact } from '../../../db/transact.ts';
import { scopes } from '../../../common/rules/scopes.ts';
import { nowIso } from '../../core/clock.ts';
import { type Actor, type Ctx, inTransaction } from '../context.ts';
import { createTicket } from '../tickets/tickets.service.ts';
import { insertTicketMessage } from '../tickets/tickets.changes.ts';
import { loadTicket } from '../tickets/tickets.read.ts';
import type { MailHeadersJson } from './mail.presenter.ts';
import type { NewMessageMail } from './messageMail.ts';
import { markBounced } from './delivery.ts';
import { type StoredFiles, noFiles } from './files.ts';
import { type ParsedInbound, htmlWithParts } from './parse.ts';
import { findThread } from './threading.ts';

/** Mail acts as the system, naming the mailbox (events: actor { type: system, id: mbx_… }). */
export function mailboxActor(mailboxId: string): Actor {
  return { type: 'system', id: mailboxId, userId: null, role: null, scopes, workflowDepth: 0 };
}

/** Where a message sits in its folder; the position moves past it with the import. */
export interface MailPosition {
  folder: string;
  uidValidity: number;
  uid: number;
}

export interface MailboxRef {
  id: string;
  address: string;
  projectId: string | null;
}

export type ImportAction = 'ticket' | 'reply' | 'note' | 'bounce' | 'ignored' | 'duplicate';

export interface ImportOutcome {
  action: ImportAction;
  ticketId: string | null;
  messageId: string | null;
  /** Why it was ignored or noted (the automatic kind), or how it was threaded. */
  reason: string | null;
}


/**
 * Moves the folder's position past this message (created on the first import; never back).
 * `imported`: whether something was imported (the settings page shows when mail last came in).
 */
export async function advancePosition(db: Db, mailboxId: string, position: MailPosition, now: string, imported = true): Promise<void> {
  // In a transaction (the import's, else its own), so it waits at the write gate like every write.
  await transact(db, (trx) =>
    trx
      .insertInto('mail_sync')
      .values({
        mailbox_id: mailboxId,
        folder: position.folder,
        uid_validity: position.uidValidity,
        last_uid: position.uid,
        imported_at: imported ? now : null,
        checked_at: null,
        error: null,
        error_at: null,
      })
      .onConflict((oc) =>
        oc
          .columns(['mailbox_id', 'folder'])
          .doUpdateSet({ uid_validity: position.uidValidity, last_uid: position.uid, ...(imported ? { imported_at: now } : {}) })
          // Never backwards within one UIDVALIDITY: when servers share a PostgreSQL database,
          // another one may have imported further meanwhile (what it did is not read again).
          .where((eb) =>
            eb.or([
              eb('mail_sync.uid_validity', 'is', null),
              eb('mail_sync.uid_validity', '<>', eb.ref('excluded.uid_validity')),
              eb('mail_sync.last_uid', '<', eb.ref('excluded.last_uid')),
            ]),
          ),
      )
      .execute(),
  );
}

async function rememberMessageId(db: Db, mailboxId: string, messageId: string, messageRowId: string | null, now: string): Promise<void> {
  await db
    .insertInto('mail_message_ids')
    .values({ mailbox_id: mailboxId, message_id: messageId, message_row_id: messageRowId, direction: 'in', created_at: now })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

function headersOf(mail: ParsedInbound, originalId: string | null): MailHeadersJson {
  return { messageId: mail.messageId, from: mail.from, to: mail.to, cc: mail.cc, subject: mail.subject, originalAttachmentId: originalId };
}

/** Whether this mailbox already imported a message with this Message-ID (a cheap check before storing its files). */
export async function alreadyImported(db: Db, mailboxId: string, messageId: string): Promise<boolean> {
  const row = await db
    .selectFrom('mail_message_ids')
    .select('message_id')
    .where('mailbox_id', '=', mailboxId)
    .where('message_id', '=', messageId)
    .executeTakeFirst();
  return row !== undefined;
}

/** Imports one parsed message (see the file comment); `position` moves with it when given. */
export async function importMail(
  ctx: Ctx,
  mailbox: MailboxRef,
  mail: ParsedInbound,
  options: { position?: MailPosition; files?: StoredFiles } = {},
): Promise<ImportOutcome> {
  const files = options.files ?? noFiles;
  const actorCtx: Ctx = { ...ctx, actor: mailboxActor(mailbox.id) };
  return inTransaction(actorCtx, async (tx) => {
    const now = nowIso(tx.clock);
    const outcome = await importInTransaction(tx, mailbox, mail, files, now);
    if (outcome.action !== 'duplicate') {
      await rememberMessageId(tx.db, mailbox.id, mail.messageId, outcome.messageId, now);
    }
    if (options.position) await advancePosition(tx.db, mailbox.id, options.position, now);
    return outcome;
  });
}

async function importInTransaction(
  tx: Ctx,
  mailbox: MailboxRef,
  mail: ParsedInbound,
  files: StoredFiles,
  now: string,
): Promise<ImportOutcome> {
  const seen = await tx.db
    .selectFrom('mail_message_ids')
    .select('message_row_id')
    .where('mailbox_id', '=', mailbox.id)
    .where('message_id', '=', mail.messageId)
    .executeTakeFirst();
  if (seen) return { action: 'duplicate', ticketId: null, messageId: seen.message_row_id, reason: 'Message-ID already imported' };

  if (mail.automatic?.kind === 'bounce') {
    const marked = mail.bounce ? await markBounced(tx, mailbox.id, mail.bounce) : null;
    return { action: 'bounce', ticketId: marked?.ticketId ?? null, messageId: null, reason: mail.automatic.reason };
  }

  const thread = await findThread(tx.db, mailbox.id, mailbox.address, mail);
  const ticket = thread ? await loadTicket(tx.db, thread.ticketId) : null;
  // Closed is final: a reply to a closed ticket starts a new one (README, "Replies").
  const open = ticket && ticket.status !== 'closed' ? ticket : null;

  if (mail.automatic) {
    // Never a new ticket, never reopens one; on a ticket it continues, agents see it as a note.
    if (!open) return { action: 'ignored', ticketId: null, messageId: null, reason: mail.automatic.reason };
    const { row } = await insertTicketMessage(
      tx,
      open,
      {
        body: `Automatic reply from ${mail.from?.address ?? 'unknown sender'} (${mail.automatic.reason}):\n\n${mail.body}`,
        sender: 'system',
        internal: true,
        authorId: null,
        mail: mailSideWith(mailbox, mail, noFiles),
      },
      now,
    );
    return { action: 'note', ticketId: open.id, messageId: row.id, reason: mail.automatic.reason };
  }

  const side = mailSideWith(mailbox, mail, files);
  if (open) {
    const { row } = await insertTicketMessage(
      tx,
      open,
      { body: mail.body || '(no text)', sender: 'customer', internal: false, authorId: null, mail: side, attachments: files.ids },
      now,
    );
    return { action: 'reply', ticketId: open.id, messageId: row.id, reason: thread?.by ?? null };
  }

  const requester = mail.requester;
  if (!requester) throw new Error('the message names no sender (From or Reply-To) to open a ticket for');
  const ticket2 = await createTicket(
    tx,
    {
      subject: mail.subject || '(no subject)',
      description: mail.body || '(no text)',
      contactEmail: requester.address,
      ...(requester.name ? { contactName: requester.name.slice(0, 200) } : {}),
      priority: 'medium',
      projectId: mailbox.projectId,
      attachments: files.ids,
    },
    undefined,
    { mail: side },
  );
  const first = await tx.db
    .selectFrom('messages')
    .select('id')
    .where('ticket_id', '=', ticket2.id)
    .orderBy('created_at')
    .orderBy('id')
    .executeTakeFirstOrThrow();
  return { action: 'ticket', ticketId: ticket2.id, messageId: first.id, reason: ticket ? `ticket #${ticket.number} is closed` : null };
}

function mailSideWith(mailbox: MailboxRef, mail: ParsedInbound, recorded: StoredFiles): NewMessageMail {
  const inline = mail.files.some((f) => f.inline);
  return {
    mailboxId: mailbox.id,
    direction: 'in',
    headers: headersOf(mail, recorded.originalId),
    bodyHtml: inline ? htmlWithParts(mail, (cid) => recorded.urlOfCid(cid)) : mail.html,
    bodyFull: mail.bodyFull,
    automatic: mail.automatic?.reason ?? null,
  };
}
