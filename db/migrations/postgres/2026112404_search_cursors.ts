// PostgreSQL twin of ../2026112404_search_cursors.ts. The contact search table is keyed by the
// contact's id here (SQLite keys it by an implicit rowid it cannot trust).
import { type Kysely, sql } from 'kysely';

const text = sql.raw('text collate "C"');

export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    sql`CREATE TABLE contact_fts (
      contact_id ${text} PRIMARY KEY,
      name ${text} NOT NULL,
      email ${text} NOT NULL,
      company ${text} NOT NULL,
      doc tsvector GENERATED ALWAYS AS (ld_search_vector(name, 'A') || ld_search_vector(email, 'B')
        || ld_search_vector(company, 'C')) STORED
    )`,
    sql`CREATE INDEX contact_fts_doc ON contact_fts USING gin (doc)`,
    sql`INSERT INTO contact_fts (contact_id, name, email, company)
      SELECT id, coalesce(name, ''), email, coalesce(company, '') FROM contacts`,
    sql`CREATE TABLE event_cursors (
      name ${text} PRIMARY KEY,
      seq bigint NOT NULL
    )`,
  ];
  for (const statement of statements) await statement.execute(db);
}
