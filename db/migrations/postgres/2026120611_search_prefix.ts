// PostgreSQL twin of ../2026120611_search_prefix.ts: nothing to build. FTS5 needs a prefix
// index to answer `log*` quickly; a GIN index over tsvector answers `'log':*` from the index
// itself (a partial match over the lexemes that begin so), whatever the length.
import type { Kysely } from 'kysely';

export async function up(_db: Kysely<unknown>): Promise<void> {}
