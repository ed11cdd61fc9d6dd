// What every `localdesk` command shares: the usage error and opening the data folder.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type DatabaseHandle, migrateToLatest, openDatabase, pendingMigrations } from '../../db/connection.ts';
import { ensurePrivateDir } from '../../db/files.ts';
import type { Config } from '../core/config.ts';

/** A mistake in how the command was called: printed without a stack, exit code 2. */
export class UsageError extends Error {}

/** Opens (creating it 0700 if needed) the data folder's database, migrated to this version. */
export async function openData(config: Config): Promise<DatabaseHandle> {
  ensurePrivateDir(config.dataDir);
  const file = join(config.dataDir, 'localdesk.db');
  const existed = existsSync(file);
  const handle = openDatabase(file);
  // Some migrations rebuild an index over every row (seconds per 100,000 tickets): say why an
  // upgraded server is slow to start rather than sit silent.
  if (existed && (await pendingMigrations(handle.db)).length > 0) {
    process.stderr.write('localdesk: upgrading the database; on a large one this can take a minute…\n');
  }
  await migrateToLatest(handle.db);
  return handle;
}
