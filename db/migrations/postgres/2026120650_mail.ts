// PostgreSQL twin of ../2026120650_mail.ts: the same tables and columns. UIDVALIDITY and UIDs
// are unsigned 32-bit numbers in IMAP, beyond integer's range: bigint (the pool parses int8 to a
// number, db/postgres.ts). A quarantined message's raw bytes are bytea. message_mail follows a
// merged message to its new ticket with a plpgsql trigger, as SQLite's trigger does.
import { type Kysely, sql } from 'kysely';

const text = sql.raw('text collate "C"');

export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    sql`CREATE TABLE mailboxes (
      id ${text} PRIMARY KEY,
      name ${text} NOT NULL,
      address ${text} NOT NULL UNIQUE,
      imap_host ${text} NOT NULL,
      imap_port integer NOT NULL,
      imap_secure integer NOT NULL CHECK (imap_secure IN (0, 1)),
      imap_user ${text} NOT NULL,
      imap_password ${text} NOT NULL,
      smtp_host ${text} NOT NULL,
      smtp_port integer NOT NULL,
      smtp_secure integer NOT NULL CHECK (smtp_secure IN (0, 1)),
      smtp_user ${text} NOT NULL,
      smtp_password ${text} NOT NULL,
      project_id ${text} REFERENCES projects (id),
      active integer NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
      created_at ${text} NOT NULL,
      updated_at ${text} NOT NULL
    )`,
    sql`CREATE INDEX mailboxes_project ON mailboxes (project_id, created_at)`,
    sql`CREATE TABLE mail_sync (
      mailbox_id ${text} NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
      folder ${text} NOT NULL,
      uid_validity bigint,
      last_uid bigint NOT NULL DEFAULT 0,
      checked_at ${text},
      imported_at ${text},
      error ${text},
      error_at ${text},
      PRIMARY KEY (mailbox_id, folder)
    )`,
    sql`CREATE TABLE mail_message_ids (
      mailbox_id ${text} NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
      message_id ${text} NOT NULL,
      message_row_id ${text} REFERENCES messages (id) ON DELETE SET NULL,
      direction ${text} NOT NULL CHECK (direction IN ('in', 'out')),
      created_at ${text} NOT NULL,
      PRIMARY KEY (mailbox_id, message_id)
    )`,
    sql`CREATE INDEX mail_message_ids_message ON mail_message_ids (message_row_id)`,
    sql`CREATE TABLE mail_ticket_tokens (
      ticket_id ${text} PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
      token ${text} NOT NULL UNIQUE
    )`,
    sql`CREATE TABLE message_mail (
      message_id ${text} PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
      ticket_id ${text} NOT NULL,
      mailbox_id ${text},
      direction ${text} NOT NULL CHECK (direction IN ('in', 'out')),
      headers ${text} NOT NULL,
      body_html ${text},
      body_full ${text},
      automatic ${text}
    )`,
    sql`CREATE INDEX message_mail_ticket ON message_mail (ticket_id)`,
    sql`CREATE FUNCTION ld_message_mail_follows_ticket() RETURNS trigger LANGUAGE plpgsql
      SET search_path FROM CURRENT AS $$
      BEGIN
        UPDATE message_mail SET ticket_id = NEW.ticket_id WHERE message_id = NEW.id;
        RETURN NULL;
      END $$`,
    sql`CREATE TRIGGER message_mail_follows_ticket AFTER UPDATE OF ticket_id ON messages
      FOR EACH ROW WHEN (NEW.ticket_id IS DISTINCT FROM OLD.ticket_id AND NEW.ticket_id IS NOT NULL)
      EXECUTE FUNCTION ld_message_mail_follows_ticket()`,
    sql`CREATE TABLE mail_outbox (
      message_id ${text} PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
      mailbox_id ${text} REFERENCES mailboxes (id) ON DELETE SET NULL,
      to_address ${text} NOT NULL,
      mail_message_id ${text} NOT NULL,
      headers ${text} NOT NULL,
      status ${text} NOT NULL CHECK (status IN ('queued', 'sent', 'failed', 'suppressed')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at ${text},
      last_error ${text},
      sent_at ${text},
      created_at ${text} NOT NULL,
      updated_at ${text} NOT NULL
    )`,
    sql`CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE status = 'queued'`,
    sql`CREATE INDEX mail_outbox_mail_id ON mail_outbox (mail_message_id)`,
    sql`CREATE TABLE mail_quarantine (
      id ${text} PRIMARY KEY,
      mailbox_id ${text} NOT NULL REFERENCES mailboxes (id) ON DELETE CASCADE,
      folder ${text} NOT NULL,
      uid_validity bigint NOT NULL,
      uid bigint NOT NULL,
      message_id ${text},
      from_address ${text},
      subject ${text},
      size bigint NOT NULL,
      raw bytea,
      error ${text} NOT NULL,
      attempts integer NOT NULL DEFAULT 1,
      created_at ${text} NOT NULL,
      updated_at ${text} NOT NULL
    )`,
    sql`CREATE INDEX mail_quarantine_mailbox ON mail_quarantine (mailbox_id, created_at)`,
    sql`CREATE UNIQUE INDEX mail_quarantine_uid ON mail_quarantine (mailbox_id, folder, uid_validity, uid)`,
  ];
  for (const statement of statements) await statement.execute(db);
}
