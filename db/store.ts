// Opening the database a server runs on: the SQLite file in its data folder, or a PostgreSQL
// database when it is given a postgres:// URL. Everything after this works on either.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type DatabaseHandle, openDatabase } from './connection.ts';
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

/** Opens the database (creating the data folder and SQLite file if needed), not yet migrated. */
export function openStore(options: StoreOptions): StoreHandle {
  if (options.databaseUrl) {
    return openPostgres(options.databaseUrl, { poolSize: options.databasePoolSize, onIdleError: options.onIdleError });
  }
  mkdirSync(options.dataDir, { recursive: true });
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
