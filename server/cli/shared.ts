// What every `localdesk` command shares: the usage error and opening the database.
import type { DatabaseHandle } from '../../db/connection.ts';
import { type StoreHandle, openMigratedStore } from '../../db/store.ts';
import type { Config } from '../core/config.ts';

/** A mistake in how the command was called: printed without a stack, exit code 2. */
export class UsageError extends Error {}

/** The configured database (SQLite in the data folder, or LOCALDESK_DATABASE_URL), migrated. */
export function openData(config: Config): Promise<StoreHandle> {
  return openMigratedStore(config);
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
