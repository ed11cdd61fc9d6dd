// PostgreSQL twin of ../2026112402_team.ts.
import { type Kysely, sql } from 'kysely';

const text = sql.raw('text collate "C"');

export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    sql`CREATE TABLE projects (
      id ${text} PRIMARY KEY,
      name ${text} NOT NULL,
      slug ${text} NOT NULL UNIQUE,
      active integer NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
      created_at ${text} NOT NULL,
      updated_at ${text} NOT NULL
    )`,
    sql`CREATE INDEX projects_active ON projects (active, created_at)`,
    // As on SQLite, tickets.project_id is checked by the service, not by a foreign key.
    sql`CREATE INDEX tickets_project_created ON tickets (project_id, created_at)`,
    sql`CREATE TABLE tags (
      id ${text} PRIMARY KEY,
      name ${text} NOT NULL UNIQUE,
      color ${text},
      created_at ${text} NOT NULL,
      updated_at ${text} NOT NULL
    )`,
    sql`CREATE TABLE ticket_tags (
      ticket_id ${text} NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
      tag_id ${text} NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
      PRIMARY KEY (ticket_id, tag_id)
    )`,
    sql`CREATE INDEX ticket_tags_tag ON ticket_tags (tag_id, ticket_id)`,
    sql`CREATE TABLE macros (
      id ${text} PRIMARY KEY,
      name ${text} NOT NULL,
      body ${text} NOT NULL,
      actions ${text} NOT NULL,
      created_at ${text} NOT NULL,
      updated_at ${text} NOT NULL
    )`,
    sql`CREATE INDEX macros_created ON macros (created_at)`,
    sql`CREATE TABLE sla_policies (
      priority ${text} PRIMARY KEY CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
      first_response_minutes integer NOT NULL CHECK (first_response_minutes > 0),
      resolution_minutes integer NOT NULL CHECK (resolution_minutes > 0),
      updated_at ${text}
    )`,
    sql`INSERT INTO sla_policies (priority, first_response_minutes, resolution_minutes) VALUES
      ('urgent', 60, 240), ('high', 240, 1440), ('medium', 480, 2880), ('low', 1440, 5760)`,
  ];
  for (const statement of statements) await statement.execute(db);
}
