// Opening the database a server runs on: the SQLite file in its data folder, or a PostgreSQL
// database when it is given a postgres:// URL. Everything after this works on either.
import { join } from 'node:path';
import { type DatabaseHandle, openDatabase } from './connection.ts';
import { ensurePrivateDir } from './files.ts';
import { migrateToLatest } from './migrate.ts';
import { type PostgresHandle, openPostgres } from './postgres.ts';

export type StoreHandle = DatabaseHandle | PostgresHandle;

export interface StoreOptions {
  dataDir: string;
  databaseUrl: string | null;
  databasePoolSize?: number;
  onIdleError?: (err: Error) => void;
}

/** Where the data lives, for people: the file, or the URL without its password. */
export function describeStore(handle: StoreHandle): string {
  return handle.kind === 'sqlite' ? handle.file : handle.where;
}

/**
 * Opens the database, not yet migrated. The data folder is made (0700) either way: with
 * PostgreSQL it still holds this server's temp files, backups and import spools.
 */
export function openStore(options: StoreOptions): StoreHandle {
  ensurePrivateDir(options.dataDir);
  if (options.databaseUrl) {
    return openPostgres(options.databaseUrl, { poolSize: options.databasePoolSize, onIdleError: options.onIdleError });
  }
  return openDatabase(join(options.dataDir, 'localdesk.db'));
}

/** Opens and migrates; the handle is closed again when migrating fails. */
export async function openMigratedStore(options: StoreOptions): Promise<StoreHandle> {
  const handle = openStore(options);
  try {
    await migrateToLatest(handle.db);
  } catch (err) {
    await handle.close();
    throw err;
  }
  return handle;
}
