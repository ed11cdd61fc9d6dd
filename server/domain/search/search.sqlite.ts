// Ranking on SQLite: FTS5's bm25 with a weight per column.
import { sql } from 'kysely';
import { toFtsQuery } from '../../../db/fts.ts';
import { countFtsMatches } from '../../../db/queries/ftsCount.ts';
import type { Rank, RankedEntry } from './search.ranking.ts';

export const rankSqlite: Rank = async <K extends string | number>(
  ...[db, index, input, limit, tuning]: Parameters<Rank>
) => {
  const match = toFtsQuery(input);
  if (match === null) return { total: 0, entries: [] };
  const fts = sql.table(index.table);
  const total = await countFtsMatches(db, index.table, match);
  if (total === 0) return { total, entries: [] };

  const score = sql`bm25(${fts}, ${sql.join(index.weights.map((w) => sql.lit(w)))})`;
  // Best first (bm25 is negative: lower is better); equal scores put the newest first.
  const { rows } = await sql<{ id: number; score: number }>`select id, score from (
      select rowid as id, ${score} as score from ${fts} where ${fts} match ${match}
      order by rowid desc limit ${tuning.rankPool})
    order by score, id desc limit ${limit}`.execute(db);

  // The text of the hits shown, read in one query (FTS5's snippet() would re-run the match).
  const ids = rows.map((row) => row.id);
  const texts = await sql<Record<string, string> & { id: number; owner: K }>`select rowid as id,
      ${sql.ref(index.owner)} as owner, ${sql.join(index.columns.map((c) => sql.ref(c)))}
    from ${fts} where rowid in (select value from json_each(${JSON.stringify(ids)}))`.execute(db);
  const byId = new Map(texts.rows.map((row) => [row.id, row]));
  const entries: RankedEntry<K>[] = [];
  for (const row of rows) {
    const text = byId.get(row.id);
    if (!text) continue;
    entries.push({ owner: text.owner, rank: -row.score, texts: index.columns.map((c) => text[c] ?? '') });
  }
  return { total, entries };
};
