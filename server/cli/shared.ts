// What every `localdesk` command shares: the usage error and opening the data folder.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { type DatabaseHandle, migrateToLatest, openDatabase } from '../../db/connection.ts';
import type { Config } from '../core/config.ts';

/** A mistake in how the command was called: printed without a stack, exit code 2. */
export class UsageError extends Error {}

export async function openData(config: Config): Promise<DatabaseHandle> {
  mkdirSync(config.dataDir, { recursive: true });
  const handle = openDatabase(join(config.dataDir, 'localdesk.db'));
  await migrateToLatest(handle.db);
  return handle;
}
