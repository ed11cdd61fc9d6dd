// PostgreSQL twin of ../2026120632_imported_attachment_files.ts.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE imported_attachments ADD COLUMN attachment_id text collate "C" REFERENCES attachments (id) ON DELETE SET NULL`.execute(db);
}
