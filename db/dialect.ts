// Which SQL engine a database handle talks to, decided once from the handle itself: Kysely gives
// every database (and each of its transactions) the adapter of the dialect it was opened with.
// Services stay free of `if (postgres)`: the few things the two engines spell differently are
// the functions of a SqlDialect (db/dialects/), and a resource whose work differs more (full-text
// search) picks its own per-engine module once with `byDialect`.
import { PostgresAdapter } from 'kysely';
import { postgresDialect } from './dialects/postgres.ts';
import { sqliteDialect } from './dialects/sqlite.ts';
import type { AnyDb, DialectName, SqlDialect } from './dialects/types.ts';

export type { AnyDb, DialectName, SqlDialect } from './dialects/types.ts';

const dialects = { sqlite: sqliteDialect, postgres: postgresDialect } as const satisfies Record<DialectName, SqlDialect>;

/** The engine behind `db` (a database or a transaction on it). */
export function dialectName(db: AnyDb): DialectName {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

export function dialectOf(db: AnyDb): SqlDialect {
  return dialects[dialectName(db)];
}

/** Picks the per-engine implementation of something (a module, a function) for `db`. */
export function byDialect<T>(db: AnyDb, implementations: Record<DialectName, T>): T {
  return implementations[dialectName(db)];
}
