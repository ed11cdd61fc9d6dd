// PostgreSQL twin of ../2026120661_attachment_chunks.ts. Stored out of line and uncompressed:
// most attachments (images, PDFs, archives) are compressed already, and compressing them again
// would cost CPU for nothing.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE attachment_chunks (
    sha256 text collate "C" NOT NULL,
    n integer NOT NULL CHECK (n >= 0),
    bytes bytea NOT NULL,
    PRIMARY KEY (sha256, n)
  )`.execute(db);
  await sql`ALTER TABLE attachment_chunks ALTER COLUMN bytes SET STORAGE EXTERNAL`.execute(db);
}
