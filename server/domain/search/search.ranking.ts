// What an engine's ranking (search.sqlite.ts, search.postgres.ts) is given and gives back.
import type { Db } from '../../../db/schema.ts';

/**
 * Ranking cost grows with the number of matches (bm25 reads each match's size: ~20 ms for a
 * word in 30% of 100k tickets, ~2.4 ms for one in 3%). Only the newest `rankPool` matches are
 * ranked (~1 ms for 1,000), which the index yields newest first without touching the rest.
 * Their scores are the ones a full ranking gives (the statistics are index-wide).
 */
export interface RankTuning {
  rankPool: number;
}
export const defaultTuning: RankTuning = { rankPool: 1_000 };

export interface FtsIndex {
  table: 'ticket_fts' | 'conversation_fts' | 'contact_fts';
  /** bm25 weight of each column, in table order (SQLite; PostgreSQL weighs by setweight A/B/C). */
  weights: readonly number[];
  /** The column naming the owning row: the owner's seq, or contact_id for contacts. */
  owner: 'rowid' | 'contact_id';
  /** The indexed text columns, in table order: where snippets come from. */
  columns: readonly string[];
}

export interface RankedEntry<K> {
  owner: K;
  /** Higher is better. */
  rank: number;
  /** The indexed text of each of the index's columns, for the snippet. */
  texts: string[];
}

/** The best `limit` entries matching every word of `input`, best first, and how many match. */
export type Rank = <K extends string | number>(
  db: Db,
  index: FtsIndex,
  input: string,
  limit: number,
  tuning: RankTuning,
) => Promise<{ total: number; entries: RankedEntry<K>[] }>;
