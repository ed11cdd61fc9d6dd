// Full-text search on PostgreSQL: each search table (ticket_fts, conversation_fts, contact_fts)
// has a `doc` tsvector built by the `localdesk` text search configuration with a GIN index
// (migration 2026112401). A search matches the same words as SQLite's FTS5 tables: the input is
// split into words the same way (searchWords), every word must match, and no operator the user
// types is ever interpreted.
import { type Expression, type RawBuilder, sql } from 'kysely';
import { isPrefixTerm, searchWords } from './fts.ts';
import type { Db } from './schema.ts';

export type SearchTable = 'ticket_fts' | 'conversation_fts' | 'contact_fts';

/**
 * The tsquery text for what a user typed: each word quoted as a lexeme, all of them required,
 * and matching by its beginning as on SQLite (isPrefixTerm: `log` finds "Login"). Words are runs
 * of letters and digits (searchWords), so a quote never needs escaping. Null when nothing
 * searchable is left. to_tsquery('localdesk', …) folds case and accents as the index did.
 */
export function toTsQuery(input: string): string | null {
  const words = searchWords(input);
  return words.length === 0 ? null : words.map((word) => (isPrefixTerm(word) ? `'${word}':*` : `'${word}'`)).join(' & ');
}

/** `doc @@ query` for a search table's `doc` column. */
export function tsMatch(doc: Expression<unknown>, query: string): RawBuilder<boolean> {
  return sql<boolean>`${doc} @@ to_tsquery('localdesk', ${query})`;
}

/** How many entries of a search table match: the `total` of a search. */
export async function countTsMatches(db: Db, table: SearchTable, query: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)} f
    where ${tsMatch(sql.ref('f.doc'), query)}`.execute(db);
  return rows[0]?.n ?? 0;
}
