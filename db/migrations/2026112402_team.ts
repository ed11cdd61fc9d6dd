// Team and configuration: projects (queues), tags, macros and editable SLA policies.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    sql`CREATE TABLE projects (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      slug TEXT NOT NULL UNIQUE,
      active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    sql`CREATE INDEX projects_active ON projects (active, created_at)`,
    // tickets.project_id predates this table, so it is checked by the service rather than by a
    // foreign key (SQLite cannot add one to an existing column without rebuilding the table).
    sql`CREATE INDEX tickets_project_created ON tickets (project_id, created_at)`,
    sql`CREATE TABLE tags (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL UNIQUE,
      color TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    sql`CREATE TABLE ticket_tags (
      ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
      tag_id TEXT NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
      PRIMARY KEY (ticket_id, tag_id)
    ) WITHOUT ROWID`,
    sql`CREATE INDEX ticket_tags_tag ON ticket_tags (tag_id, ticket_id)`,
    sql`CREATE TABLE macros (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL,
      body TEXT NOT NULL,
      actions TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`,
    sql`CREATE INDEX macros_created ON macros (created_at)`,
    sql`CREATE TABLE sla_policies (
      priority TEXT PRIMARY KEY CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
      first_response_minutes INTEGER NOT NULL CHECK (first_response_minutes > 0),
      resolution_minutes INTEGER NOT NULL CHECK (resolution_minutes > 0),
      updated_at TEXT
    )`,
    // The contract's defaults; updated_at stays null until someone edits a policy.
    sql`INSERT INTO sla_policies (priority, first_response_minutes, resolution_minutes) VALUES
      ('urgent', 60, 240), ('high', 240, 1440), ('medium', 480, 2880), ('low', 1440, 5760)`,
  ];
  for (const statement of statements) await statement.execute(db);
}
