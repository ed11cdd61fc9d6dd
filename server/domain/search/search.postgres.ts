// Ranking on PostgreSQL: ts_rank over the `doc` tsvector, whose columns carry weights A, B, C
// (migration 2026112401). The weights below give each column the share SQLite's bm25 weights
// give it (tickets: subject 10, description 4, messages 1; contacts: name 10, email 5,
// company 3), so the same hit comes out on top on both engines.
import { sql } from 'kysely';
import { countTsMatches, toTsQuery, tsMatch } from '../../../db/fts.postgres.ts';
import type { FtsIndex, Rank, RankedEntry } from './search.ranking.ts';

/** ts_rank's weights array, in its order {D, C, B, A}. */
const weights: Record<FtsIndex['table'], string> = {
  ticket_fts: '{0, 0.1, 0.4, 1}',
  conversation_fts: '{0, 0.1, 0.4, 1}',
  contact_fts: '{0, 0.3, 0.5, 1}',
};

export const rankPostgres: Rank = async <K extends string | number>(
  ...[db, index, input, limit, tuning]: Parameters<Rank>
) => {
  const query = toTsQuery(input);
  if (query === null) return { total: 0, entries: [] };
  const total = await countTsMatches(db, index.table, query);
  if (total === 0) return { total, entries: [] };
  // The newest `rankPool` matches (rowids and contact ids both grow with time), ranked; equal
  // ranks put the newest first.
  const columns = sql.join(index.columns.map((c) => sql.ref(`f.${c}`)));
  const { rows } = await sql<Record<string, string> & { owner: K; rank: number }>`select * from (
      select f.${sql.ref(index.owner)} as owner, ts_rank(${weights[index.table]}::float4[], f.doc,
        to_tsquery('localdesk', ${query})) as rank, ${columns}
      from ${sql.table(index.table)} f where ${tsMatch(sql.ref('f.doc'), query)}
      order by f.${sql.ref(index.owner)} desc limit ${tuning.rankPool}) ranked
    order by rank desc, owner desc limit ${limit}`.execute(db);
  const entries: RankedEntry<K>[] = rows.map((row) => ({
    owner: row.owner,
    rank: row.rank,
    texts: index.columns.map((c) => row[c] ?? ''),
  }));
  return { total, entries };
};
