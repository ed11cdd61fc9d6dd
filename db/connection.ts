import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { ensurePrivateFile } from './files.ts';
import type { Database } from './schema.ts';

// Callers open a database and migrate it from here, whichever engine (db/migrate.ts).
export { migrateToLatest, pendingMigrations } from './migrate.ts';

export interface DatabaseHandle {
  readonly kind: 'sqlite';
  db: Kysely<Database>;
  /** The raw connection, for what Kysely does not cover (online backup, pragmas). */
  sqlite: BetterSqlite3.Database;
  file: string;
  close(): Promise<void>;
}

/** How long a connection waits for another's write lock (synchronously) before SQLITE_BUSY. */
export const busyTimeoutMs = 5000;

/**
 * Opens (creating if needed) the SQLite file and applies the connection settings. The settings
 * are per connection, so they are set on every open rather than trusted from the file.
 */
export function openDatabase(file: string): DatabaseHandle {
  // Created 0600 before SQLite creates it with 0644 minus the umask (files.ts).
  for (const suffix of ['', '-wal', '-shm']) ensurePrivateFile(`${file}${suffix}`, suffix === '');
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('journal_mode = WAL');
  // NORMAL, on purpose: in WAL mode a commit is durable against the process dying (kill -9,
  // a crash) because the WAL is written before the commit returns; only a power cut or OS
  // crash can lose the last commits (never corrupt the file). FULL would also fsync every
  // commit: measured here it caps writes near 300 commits/s, against ~12,000 with NORMAL.
  // Set on every open: the level is per connection, not stored in the file.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  // Another process (the CLI's `keys create` while the server runs) may hold the write lock
  // for a moment: wait for it rather than failing at once.
  sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`);
  // 64 MiB of page cache: the messages table outgrows SQLite's small default quickly.
  sqlite.pragma('cache_size = -65536');
  sqlite.pragma('temp_store = MEMORY');

  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
  });
  let closed = false;
  return {
    kind: 'sqlite',
    db,
    sqlite,
    file,
    async close() {
      if (closed) return;
      closed = true;
      // Kysely's destroy closes the better-sqlite3 connection too.
      await db.destroy();
    },
  };
}

/**
 * A read-only connection to a file another connection writes (the read pool's worker threads,
 * server/http/readPool.ts). In WAL mode each statement outside a transaction reads the latest
 * commit, so a read that starts after a write was acknowledged sees it. The page cache is
 * smaller than the writer's: there is one per worker, and peak memory has a budget.
 */
export function openReadOnlyDatabase(file: string, cacheMiB = 16): { db: Kysely<Database>; close(): Promise<void> } {
  const sqlite = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  sqlite.pragma(`busy_timeout = ${busyTimeoutMs}`);
  sqlite.pragma(`cache_size = -${cacheMiB * 1024}`);
  sqlite.pragma('temp_store = MEMORY');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, close: () => db.destroy() };
}

/**
 * Kysely prepares every query anew; this hands it the already prepared statement for SQL it has
 * seen (a bounded, least-recently-used cache). PERF-NOTES: a point lookup goes from ~0.33 to
 * ~0.6 of raw prepared statements. Safe because Kysely's driver uses the single connection one
 * query at a time.
 */
function withStatementCache(sqlite: BetterSqlite3.Database, size = 500): BetterSqlite3.Database {
  const cache = new Map<string, BetterSqlite3.Statement>();
  const prepare = (source: string): BetterSqlite3.Statement => {
    let statement = cache.get(source);
    if (statement) {
      cache.delete(source); // re-inserted below: most recently used last
    } else {
      statement = sqlite.prepare(source);
      if (cache.size >= size) cache.delete(cache.keys().next().value as string);
    }
    cache.set(source, statement);
    return statement;
  };
  return new Proxy(sqlite, {
    get(target, property) {
      if (property === 'prepare') return prepare;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
