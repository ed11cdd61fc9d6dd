// Attachment bytes kept in the database, in 1 MiB chunks: how servers sharing a PostgreSQL
// database store files, so any of them serves any file (server/domain/attachments/
// attachments.store.postgres.ts). A SQLite install keeps its files beside the database
// (attachments.store.ts) and leaves this table empty; it exists on both engines so their
// schemas stay the same, and so `localdesk migrate` has somewhere to put the files it moves.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE TABLE attachment_chunks (
    sha256 TEXT NOT NULL,
    n INTEGER NOT NULL CHECK (n >= 0),
    bytes BLOB NOT NULL,
    PRIMARY KEY (sha256, n)
  ) WITHOUT ROWID`.execute(db);
}
