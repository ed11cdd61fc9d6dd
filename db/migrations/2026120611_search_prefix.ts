// Search matches words by their beginning (db/fts.ts: `log` finds "Login"). FTS5 answers a
// prefix query from a prefix index when one of exactly that length exists; otherwise it reads
// and merges the doclist of every term in the range before returning the first row, so even
// "newest 50 tickets with invoice*" costs as much as counting all of them. Measured on the
// benchmark's 100k tickets (in process, newest-50 page): `invoice` (in 30% of tickets) 6,454/s
// as a whole word, 193/s as a prefix with prefix='2 3 4', 5,898/s with '2 3 4 5 6 7 8'. The
// longer list costs index size (the search tables 324 -> 397 MB) and ~0.13 ms more per message
// appended (0.25 -> 0.39 ms): taken, since search is read far more often than it is written.
// Words longer than eight characters still match as prefixes, through the merge.
// An FTS5 table's options are fixed when it is created, so each search table is rebuilt with
// the option and its rows copied over (rowids kept: tickets and conversations are found by them).
import { type Kysely, sql } from 'kysely';

const tokenize = "tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3 4 5 6 7 8'";

const tables = [
  { name: 'ticket_fts', columns: 'subject, description, messages' },
  { name: 'conversation_fts', columns: 'subject, messages' },
  { name: 'contact_fts', columns: 'contact_id UNINDEXED, name, email, company', copy: 'contact_id, name, email, company' },
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of tables) {
    const next = `${table.name}_next`;
    const copy = table.copy ?? table.columns;
    await sql.raw(`CREATE VIRTUAL TABLE ${next} USING fts5(${table.columns}, ${tokenize})`).execute(db);
    await sql.raw(`INSERT INTO ${next} (rowid, ${copy}) SELECT rowid, ${copy} FROM ${table.name}`).execute(db);
    await sql.raw(`DROP TABLE ${table.name}`).execute(db);
    await sql.raw(`ALTER TABLE ${next} RENAME TO ${table.name}`).execute(db);
    // One b-tree per index instead of one per insert batch: the first searches are fast too.
    await sql.raw(`INSERT INTO ${table.name} (${table.name}) VALUES ('optimize')`).execute(db);
  }
}
