// PostgreSQL twin of ../2026120630_imports.ts.
import { type Kysely, sql } from 'kysely';

const text = sql.raw('text collate "C"');

export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    sql`ALTER TABLE tickets ADD COLUMN external_id ${text}`,
    sql`CREATE UNIQUE INDEX tickets_external ON tickets (external_id) WHERE external_id IS NOT NULL`,
    sql`CREATE TABLE external_refs (
      source ${text} NOT NULL,
      kind ${text} NOT NULL CHECK (kind IN ('user', 'contact', 'ticket', 'message')),
      external_id ${text} NOT NULL,
      local_id ${text} NOT NULL,
      source_updated_at ${text},
      linked integer NOT NULL DEFAULT 0 CHECK (linked IN (0, 1)),
      PRIMARY KEY (source, kind, external_id)
    )`,
    sql`CREATE INDEX external_refs_local ON external_refs (local_id)`,
    sql`CREATE TABLE imports (
      id ${text} PRIMARY KEY,
      source ${text} NOT NULL CHECK (source IN ('zendesk', 'freshdesk', 'helpscout', 'csv')),
      account ${text} NOT NULL,
      status ${text} NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
      dry_run integer NOT NULL CHECK (dry_run IN (0, 1)),
      full_run integer NOT NULL CHECK (full_run IN (0, 1)),
      origin ${text} NOT NULL CHECK (origin IN ('api', 'cli')),
      owner_pid integer,
      options ${text} NOT NULL,
      cursor ${text},
      counts ${text} NOT NULL,
      errors ${text} NOT NULL,
      error_count integer NOT NULL DEFAULT 0,
      failure ${text},
      progress ${text} NOT NULL,
      created_by ${text},
      created_at ${text} NOT NULL,
      started_at ${text},
      finished_at ${text},
      updated_at ${text} NOT NULL
    )`,
    sql`CREATE INDEX imports_created ON imports (created_at)`,
    sql`CREATE INDEX imports_status ON imports (status, created_at)`,
    sql`CREATE INDEX imports_account ON imports (source, account, created_at)`,
    sql`CREATE TABLE import_files (
      id ${text} PRIMARY KEY,
      name ${text} NOT NULL,
      path ${text} NOT NULL,
      bytes bigint NOT NULL,
      sha256 ${text} NOT NULL,
      created_at ${text} NOT NULL
    )`,
    sql`CREATE TABLE imported_attachments (
      source ${text} NOT NULL,
      external_id ${text} NOT NULL,
      message_id ${text} NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
      name ${text} NOT NULL,
      content_type ${text} NOT NULL,
      size bigint,
      url ${text} NOT NULL,
      PRIMARY KEY (source, external_id)
    )`,
    sql`CREATE INDEX imported_attachments_message ON imported_attachments (message_id)`,
  ];
  for (const statement of statements) await statement.execute(db);
}
