// An imported attachment's file, once downloaded, is an attachment like any upload: the row
// here names it, so a later run downloads only what is still missing (a file the product would
// not give, or one over the size limit, keeps its details and an empty attachment_id).
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE imported_attachments ADD COLUMN attachment_id TEXT REFERENCES attachments (id) ON DELETE SET NULL`.execute(db);
}
