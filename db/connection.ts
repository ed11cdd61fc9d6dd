import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect } from 'kysely';
import { migrationProvider } from './migrations/index.ts';
import type { Database } from './schema.ts';

export interface DatabaseHandle {
  db: Kysely<Database>;
  /** The raw connection, for what Kysely does not cover (online backup, pragmas). */
  sqlite: BetterSqlite3.Database;
  file: string;
  close(): Promise<void>;
}

/**
 * Opens (creating if needed) the SQLite file and applies the connection settings. The settings
 * are per connection, so they are set on every open rather than trusted from the file.
 */
export function openDatabase(file: string): DatabaseHandle {
  const sqlite = new BetterSqlite3(file);
  sqlite.pragma('journal_mode = WAL');
  // FULL, not NORMAL: in WAL mode NORMAL already survives a killed process, but not a power cut
  // or OS crash, which on a laptop is the likelier end. FULL fsyncs the WAL at every commit, so
  // a write we acknowledged is on disk; it costs roughly a third of the commit rate
  // (~4,000 single-row commits/s here), far above what a help desk writes.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  // Another process (the CLI's `keys create` while the server runs) may hold the write lock
  // for a moment: wait for it rather than failing at once.
  sqlite.pragma('busy_timeout = 5000');
  // 64 MiB of page cache: the messages table outgrows SQLite's small default quickly.
  sqlite.pragma('cache_size = -65536');
  sqlite.pragma('temp_store = MEMORY');

  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  let closed = false;
  return {
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

/** Applies every pending migration; running it again on an up-to-date file does nothing. */
export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const name = failed ? ` (${failed.migrationName})` : '';
    throw new Error(`database migration failed${name}: ${String(error)}`, { cause: error });
  }
}
