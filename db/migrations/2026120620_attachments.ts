// Attachments: the metadata lives here, the bytes beside the database in a content-addressed
// store (<data>/attachments/<sha256[0..2]>/<sha256>), so backups of the rows stay small and an
// identical file is stored once.
//
// A link table rather than a message_id column: converting a conversation into a ticket copies
// its messages, and the copies must show the same files without copying them; one attachment
// may therefore belong to several messages.
//
// Deleting the last message that holds an attachment (a ticket deleted, its messages cascading)
// deletes the attachment row, and deleting the last row of a given content queues that content
// in attachment_orphans, where the collector (server/background/) finds what to remove from
// disk without listing the whole store.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    sql`CREATE TABLE attachments (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      size INTEGER NOT NULL CHECK (size >= 0),
      declared_type TEXT NOT NULL,
      sniffed_type TEXT,
      sha256 TEXT NOT NULL CHECK (length(sha256) = 64),
      uploaded_by TEXT REFERENCES users (id),
      created_at TEXT NOT NULL,
      linked_at TEXT
    )`,
    sql`CREATE INDEX attachments_sha256 ON attachments (sha256)`,
    // What the collector expires: uploads never attached to a message.
    sql`CREATE INDEX attachments_unlinked ON attachments (created_at) WHERE linked_at IS NULL`,
    sql`CREATE TABLE message_attachments (
      message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
      attachment_id TEXT NOT NULL REFERENCES attachments (id) ON DELETE CASCADE,
      position INTEGER NOT NULL,
      PRIMARY KEY (message_id, attachment_id)
    ) WITHOUT ROWID`,
    sql`CREATE INDEX message_attachments_attachment ON message_attachments (attachment_id)`,
    sql`CREATE TRIGGER message_attachments_last_link AFTER DELETE ON message_attachments
      WHEN NOT EXISTS (SELECT 1 FROM message_attachments WHERE attachment_id = old.attachment_id)
      BEGIN
        DELETE FROM attachments WHERE id = old.attachment_id;
      END`,
    // queued_at is set by the collector when it first sees the entry (with the injected clock).
    sql`CREATE TABLE attachment_orphans (
      sha256 TEXT PRIMARY KEY,
      queued_at TEXT
    ) WITHOUT ROWID`,
    sql`CREATE TRIGGER attachments_last_of_content AFTER DELETE ON attachments
      WHEN NOT EXISTS (SELECT 1 FROM attachments WHERE sha256 = old.sha256)
      BEGIN
        INSERT OR IGNORE INTO attachment_orphans (sha256, queued_at) VALUES (old.sha256, NULL);
      END`,
  ];
  for (const statement of statements) await statement.execute(db);
}
