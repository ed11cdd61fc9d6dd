// PostgreSQL twin of ../2026120620_attachments.ts. The bytes are not beside the database here:
// every node must serve every file, so they are in it (attachment_chunks, migration
// 2026120661); these tables are the same as on SQLite.
import { type Kysely, sql } from 'kysely';

const text = sql.raw('text collate "C"');

export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    sql`CREATE TABLE attachments (
      id ${text} PRIMARY KEY,
      name ${text} NOT NULL,
      size bigint NOT NULL CHECK (size >= 0),
      declared_type ${text} NOT NULL,
      sniffed_type ${text},
      sha256 ${text} NOT NULL CHECK (length(sha256) = 64),
      uploaded_by ${text} REFERENCES users (id),
      created_at ${text} NOT NULL,
      linked_at ${text}
    )`,
    sql`CREATE INDEX attachments_sha256 ON attachments (sha256)`,
    sql`CREATE INDEX attachments_unlinked ON attachments (created_at) WHERE linked_at IS NULL`,
    sql`CREATE TABLE message_attachments (
      message_id ${text} NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
      attachment_id ${text} NOT NULL REFERENCES attachments (id) ON DELETE CASCADE,
      position integer NOT NULL,
      PRIMARY KEY (message_id, attachment_id)
    )`,
    sql`CREATE INDEX message_attachments_attachment ON message_attachments (attachment_id)`,
    sql`CREATE FUNCTION ld_message_attachments_last_link() RETURNS trigger LANGUAGE plpgsql
      SET search_path FROM CURRENT AS $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM message_attachments WHERE attachment_id = OLD.attachment_id) THEN
          DELETE FROM attachments WHERE id = OLD.attachment_id;
        END IF;
        RETURN NULL;
      END $$`,
    sql`CREATE TRIGGER message_attachments_last_link AFTER DELETE ON message_attachments
      FOR EACH ROW EXECUTE FUNCTION ld_message_attachments_last_link()`,
    sql`CREATE TABLE attachment_orphans (
      sha256 ${text} PRIMARY KEY,
      queued_at ${text}
    )`,
    sql`CREATE FUNCTION ld_attachments_last_of_content() RETURNS trigger LANGUAGE plpgsql
      SET search_path FROM CURRENT AS $$
      BEGIN
        IF NOT EXISTS (SELECT 1 FROM attachments WHERE sha256 = OLD.sha256) THEN
          INSERT INTO attachment_orphans (sha256, queued_at) VALUES (OLD.sha256, NULL) ON CONFLICT DO NOTHING;
        END IF;
        RETURN NULL;
      END $$`,
    sql`CREATE TRIGGER attachments_last_of_content AFTER DELETE ON attachments
      FOR EACH ROW EXECUTE FUNCTION ld_attachments_last_of_content()`,
  ];
  for (const statement of statements) await statement.execute(db);
}
