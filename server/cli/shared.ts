// What every `localdesk` command shares: the usage error and opening the database.
import type { DatabaseHandle } from '../../db/connection.ts';
import { appliedMigrations, migrateToLatest, pendingMigrations } from '../../db/migrate.ts';
import { type StoreHandle, openStore } from '../../db/store.ts';
import type { Config } from '../core/config.ts';

/** A mistake in how the command was called: printed without a stack, exit code 2. */
export class UsageError extends Error {}

/**
 * Opens the configured database, migrated to this version: the data folder's SQLite file
 * (folder created 0700 if needed), or LOCALDESK_DATABASE_URL's PostgreSQL database.
 */
export async function openData(config: Config, onIdleError?: (err: Error) => void): Promise<StoreHandle> {
  const handle = openStore({ ...config, onIdleError });
  try {
    // Some migrations rebuild an index over every row (seconds per 100,000 tickets): say why an
    // upgraded server is slow to start rather than sit silent.
    if ((await appliedMigrations(handle.db)).length > 0 && (await pendingMigrations(handle.db)).length > 0) {
      process.stderr.write('localdesk: upgrading the database; on a large one this can take a minute…\n');
    }
    await migrateToLatest(handle.db);
  } catch (err) {
    await handle.close();
    throw err;
  }
  return handle;
}

/** The SQLite data folder, for the commands that work on its file. */
export async function openSqliteData(config: Config, command: string): Promise<DatabaseHandle> {
  if (config.databaseUrl) {
    throw new UsageError(
      `${command} works on a SQLite data folder; for PostgreSQL use its own tools (pg_dump) or the HTTP API`,
    );
  }
  const handle = await openData(config);
  if (handle.kind !== 'sqlite') throw new UsageError(`${command} needs a SQLite data folder`);
  return handle;
}
