// Contacts join ranked search; background consumers of the event feed keep a durable cursor.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    // Keyed by the contact's rowid (contacts has a text primary key, so the rowid is implicit:
    // VACUUM could renumber it). The rowid is therefore never trusted: entries are looked up
    // through contact_id, stored (unindexed) beside the text.
    sql`CREATE VIRTUAL TABLE contact_fts USING fts5(
      contact_id UNINDEXED, name, email, company, tokenize = 'unicode61 remove_diacritics 2')`,
    sql`INSERT INTO contact_fts (contact_id, name, email, company)
      SELECT id, coalesce(name, ''), email, coalesce(company, '') FROM contacts`,
    sql`CREATE TABLE event_cursors (
      name TEXT PRIMARY KEY,
      seq INTEGER NOT NULL
    )`,
  ];
  for (const statement of statements) await statement.execute(db);
}
