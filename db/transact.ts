import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

/**
 * Runs `fn` in a transaction, or inside the caller's when `db` already is one. Services use
 * this instead of db.transaction() so a route can wrap a check and a write in one transaction
 * (If-Match, Idempotency-Key) and have them commit or roll back together.
 */
export function transact<T>(db: Kysely<Database>, fn: (trx: Kysely<Database>) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}
