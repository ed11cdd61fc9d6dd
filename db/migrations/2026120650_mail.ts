// The e-mail channel (issue 16).
//
// - mailboxes: where mail is fetched (IMAP) and sent (SMTP). Passwords are stored encrypted
//   (AES-256-GCM, key in <data>/secret.key), never in the clear.
// - mail_sync: the fetch position per mailbox and folder, UIDVALIDITY + the last UID imported,
//   written in the same transaction as the tickets a message produced (never the \Seen flag),
//   plus what the last fetch saw (checked_at, error) for the settings page.
// - mail_message_ids: every Message-ID the desk received or sent, per mailbox, pointing at the
//   message it became. Threading looks replies up here; it is also the dedupe of a message
//   fetched twice (a UIDVALIDITY reset, a crash between IMAP and the commit).
// - mail_ticket_tokens: the random token of a ticket's reply address (support+t-<token>@…).
// - message_mail: what a message that travelled by mail carries beside its text (sanitised
//   HTML, the full text before quotes were folded, the headers people see). A side table, so
//   the messages table and every path that writes it stay as they are. It names the message's
//   ticket (kept by a trigger when a merge moves messages) so reading a thread costs one index
//   probe more, not a join per message: measured, a join per message doubled the thread read.
// - mail_outbox: one row per agent reply to be sent, queued by the mail follower together with
//   its cursor, delivered and retried by the sender; the message's delivery state.
// - mail_quarantine: a fetched message that could not be parsed or stored, with its raw bytes
//   and the error, so it never blocks the rest and can be retried.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    sql`CREATE TABLE mailboxes (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      address TEXT NOT NULL UNIQUE,
      imap_host TEXT NOT NULL,
      imap_port INTEGER NOT NULL,
      imap_secure INTEGER NOT NULL CHECK (imap_secure IN (0, 1)),
      imap_user TEXT NOT NULL,
      imap_password TEXT NOT NULL,
      smtp_host TEXT NOT NULL,
      smtp_port INTEGER NOT NULL,
      smtp_secure INTEGER NOT NULL CHECK (smtp_secure IN (0, 1)),
      smtp_user TEXT NOT NULL,
      smtp_password TEXT NOT NULL,
      project_id TEXT REFERENCES projects (id),
      active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    sql`CREATE INDEX mailboxes_project ON mailboxes (project_id, created_at)`,
    sql`CREATE TABLE mail_sync (
      mailbox_id TEXT NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
      folder TEXT NOT NULL,
      uid_validity INTEGER,
      last_uid INTEGER NOT NULL DEFAULT 0,
      checked_at TEXT,
      imported_at TEXT,
      error TEXT,
      error_at TEXT,
      PRIMARY KEY (mailbox_id, folder)
    ) WITHOUT ROWID`,
    sql`CREATE TABLE mail_message_ids (
      mailbox_id TEXT NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
      message_id TEXT NOT NULL,
      message_row_id TEXT REFERENCES messages (id) ON DELETE SET NULL,
      direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
      created_at TEXT NOT NULL,
      PRIMARY KEY (mailbox_id, message_id)
    ) WITHOUT ROWID`,
    sql`CREATE INDEX mail_message_ids_message ON mail_message_ids (message_row_id)`,
    sql`CREATE TABLE mail_ticket_tokens (
      ticket_id TEXT PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
      token TEXT NOT NULL UNIQUE
    ) WITHOUT ROWID`,
    sql`CREATE TABLE message_mail (
      message_id TEXT PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
      ticket_id TEXT NOT NULL,
      mailbox_id TEXT,
      direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
      headers TEXT NOT NULL,
      body_html TEXT,
      body_full TEXT,
      automatic TEXT
    ) WITHOUT ROWID`,
    sql`CREATE INDEX message_mail_ticket ON message_mail (ticket_id)`,
    sql`CREATE TRIGGER message_mail_follows_ticket AFTER UPDATE OF ticket_id ON messages
      WHEN NEW.ticket_id IS NOT OLD.ticket_id AND NEW.ticket_id IS NOT NULL
      BEGIN
        UPDATE message_mail SET ticket_id = NEW.ticket_id WHERE message_id = NEW.id;
      END`,
    sql`CREATE TABLE mail_outbox (
      message_id TEXT PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
      mailbox_id TEXT REFERENCES mailboxes (id) ON DELETE SET NULL,
      to_address TEXT NOT NULL,
      mail_message_id TEXT NOT NULL,
      headers TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed', 'suppressed')),
      attempts INTEGER NOT NULL DEFAULT 0,
      next_attempt_at TEXT,
      last_error TEXT,
      sent_at TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    ) WITHOUT ROWID`,
    sql`CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE status = 'queued'`,
    sql`CREATE INDEX mail_outbox_mail_id ON mail_outbox (mail_message_id)`,
    sql`CREATE TABLE mail_quarantine (
      id TEXT PRIMARY KEY,
      mailbox_id TEXT NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
      folder TEXT NOT NULL,
      uid_validity INTEGER NOT NULL,
      uid INTEGER NOT NULL,
      message_id TEXT,
      from_address TEXT,
      subject TEXT,
      size INTEGER NOT NULL,
      raw BLOB,
      error TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 1,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    sql`CREATE INDEX mail_quarantine_mailbox ON mail_quarantine (mailbox_id, created_at)`,
    sql`CREATE UNIQUE INDEX mail_quarantine_uid ON mail_quarantine (mailbox_id, folder, uid_validity, uid)`,
  ];
  for (const statement of statements) await statement.execute(db);
}
