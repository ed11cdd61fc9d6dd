// What both engines' full-text tables answer alike: the rowids (owners' seqs) matching a search.
// Ranking, counting and the ticket list's fast paths differ more and live per engine
// (fts.postgres.ts, queries/ftsCount.ts, the search and ticket services).
import { type RawBuilder, sql } from 'kysely';
import { byDialect } from './dialect.ts';
import { toTsQuery, tsMatch } from './fts.postgres.ts';
import { toFtsQuery } from './fts.ts';
import type { Db } from './schema.ts';

/**
 * The rowids of `table`'s entries matching every word of `input`, as a subquery for `in`; null
 * when the input has no searchable word (nothing can match).
 */
export function matchingRowids(db: Db, table: 'ticket_fts' | 'conversation_fts', input: string): RawBuilder<number> | null {
  return byDialect(db, {
    sqlite: () => {
      const match = toFtsQuery(input);
      const fts = sql.table(table);
      return match === null ? null : sql<number>`(select rowid from ${fts} where ${fts} match ${match})`;
    },
    postgres: () => {
      const query = toTsQuery(input);
      return query === null
        ? null
        : sql<number>`(select f.rowid from ${sql.table(table)} f where ${tsMatch(sql.ref('f.doc'), query)})`;
    },
  })();
}
