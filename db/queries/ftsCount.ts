import { type DialectAdapter, type Kysely, sql } from 'kysely';
import type { Database } from '../schema.ts';

type Db = Kysely<Database>;
type FtsTable = 'ticket_fts' | 'conversation_fts' | 'contact_fts';

interface CachedCount {
  /** The database's write state when counted (see writeState). */
  state: string;
  n: number;
}

const cacheSize = 256;
const caches = new WeakMap<DialectAdapter, Map<string, CachedCount>>();

/**
 * Changes whenever the database may have changed: total_changes() counts every row this
 * connection has written (rolled-back writes included, which only costs a recount), and
 * data_version moves when another connection (the CLI's import, a second process) commits.
 */
async function writeState(db: Db): Promise<string> {
  const { rows } = await sql<{ c: number; v: number }>`select total_changes() as c,
    data_version as v from pragma_data_version`.execute(db);
  return `${rows[0]?.c}:${rows[0]?.v}`;
}

/**
 * How many rows of a full-text table match: the `total` of a search. Counting a common word
 * reads its whole doclist (~1.6 ms for a word in 30% of 100k tickets), and a search is asked for
 * again and again unchanged (each page, each refetch), so the count is kept until the database
 * is written. Inside a transaction it is always counted: its writes may yet roll back.
 */
export async function countFtsMatches(db: Db, table: FtsTable, match: string): Promise<number> {
  const count = async () => {
    const fts = sql.table(table);
    const { rows } = await sql<{ n: number }>`select count(*) as n from ${fts} where ${fts} match ${match}`.execute(db);
    return rows[0]?.n ?? 0;
  };
  if (db.isTransaction) return count();
  const adapter = db.getExecutor().adapter;
  let cache = caches.get(adapter);
  if (!cache) caches.set(adapter, (cache = new Map()));
  const key = `${table}\u0000${match}`;
  const state = await writeState(db);
  const hit = cache.get(key);
  if (hit && hit.state === state) return hit.n;
  const n = await count();
  cache.delete(key);
  if (cache.size >= cacheSize) cache.delete(cache.keys().next().value as string);
  cache.set(key, { state, n });
  return n;
}
