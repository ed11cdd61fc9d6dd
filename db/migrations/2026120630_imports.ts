// Imports from other helpdesks (issue 20):
// - external_refs maps each imported record, keyed by where it came from (source, kind, the
//   product's id), to the LocalDesk row it became, so a re-run updates in place instead of
//   duplicating; `source_updated_at` is the product's change time last applied, which lets a
//   re-run skip what did not change (and leave local edits of unchanged records alone);
//   `linked` marks a user or contact that existed here before (matched by e-mail): the import
//   points at it and otherwise leaves it as it is.
// - tickets.external_id ('zendesk:1001') is that origin on the wire: one nullable column rather
//   than a join on every ticket read, with a partial unique index for `GET /tickets?externalId=`.
// - imports holds the jobs: options (never a credential), the cursor committed with the rows it
//   produced, counts per kind, the first refusals with their reasons, the fatal failure if any.
// - import_files are the CSV files uploaded for an import; imported_attachments the metadata of
//   attachments, whose bytes are not imported (there is no attachment storage yet).
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    sql`ALTER TABLE tickets ADD COLUMN external_id TEXT`,
    sql`CREATE UNIQUE INDEX tickets_external ON tickets (external_id) WHERE external_id IS NOT NULL`,
    sql`CREATE TABLE external_refs (
      source TEXT NOT NULL,
      kind TEXT NOT NULL CHECK (kind IN ('user', 'contact', 'ticket', 'message')),
      external_id TEXT NOT NULL,
      local_id TEXT NOT NULL,
      source_updated_at TEXT,
      linked INTEGER NOT NULL DEFAULT 0 CHECK (linked IN (0, 1)),
      PRIMARY KEY (source, kind, external_id)
    ) WITHOUT ROWID`,
    sql`CREATE INDEX external_refs_local ON external_refs (local_id)`,
    sql`CREATE TABLE imports (
      id TEXT PRIMARY KEY,
      source TEXT NOT NULL CHECK (source IN ('zendesk', 'freshdesk', 'helpscout', 'csv')),
      account TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
      dry_run INTEGER NOT NULL CHECK (dry_run IN (0, 1)),
      full_run INTEGER NOT NULL CHECK (full_run IN (0, 1)),
      origin TEXT NOT NULL CHECK (origin IN ('api', 'cli')),
      owner_pid INTEGER,
      options TEXT NOT NULL,
      cursor TEXT,
      counts TEXT NOT NULL,
      errors TEXT NOT NULL,
      error_count INTEGER NOT NULL DEFAULT 0,
      failure TEXT,
      progress TEXT NOT NULL,
      created_by TEXT,
      created_at TEXT NOT NULL,
      started_at TEXT,
      finished_at TEXT,
      updated_at TEXT NOT NULL
    )`,
    sql`CREATE INDEX imports_created ON imports (created_at)`,
    sql`CREATE INDEX imports_status ON imports (status, created_at)`,
    sql`CREATE INDEX imports_account ON imports (source, account, created_at)`,
    sql`CREATE TABLE import_files (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      path TEXT NOT NULL,
      bytes INTEGER NOT NULL,
      sha256 TEXT NOT NULL,
      created_at TEXT NOT NULL
    )`,
    sql`CREATE TABLE imported_attachments (
      source TEXT NOT NULL,
      external_id TEXT NOT NULL,
      message_id TEXT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
      name TEXT NOT NULL,
      content_type TEXT NOT NULL,
      size INTEGER,
      url TEXT NOT NULL,
      PRIMARY KEY (source, external_id)
    ) WITHOUT ROWID`,
    sql`CREATE INDEX imported_attachments_message ON imported_attachments (message_id)`,
  ];
  for (const statement of statements) await statement.execute(db);
}
