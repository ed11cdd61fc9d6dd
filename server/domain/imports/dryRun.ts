// A dry run is a real run against a throwaway copy of the database: the copy is taken with
// SQLite's online backup (the live database keeps serving and writing meanwhile), the import runs
// on it exactly as it would for real, and the copy is deleted. So its report is the real run's
// report by construction, and nothing the desk holds changes. It costs a copy of the file.
// PostgreSQL makes its copy as a scratch schema instead (dryRun.postgres.ts).
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type DatabaseHandle, openDatabase } from '../../../db/connection.ts';
import { byDialect } from '../../../db/dialect.ts';
import type { Db } from '../../../db/schema.ts';
import { backupDatabase } from '../data/backup.ts';
import { databaseFile } from '../data/exportImport.ts';
import { openPostgresDryRunCopy } from './dryRun.postgres.ts';

export interface DryRunCopy {
  db: Db;
  discard(): Promise<void>;
}

export function openDryRunCopy(db: Db, jobId: string, now: string): Promise<DryRunCopy> {
  return byDialect(db, { sqlite: openSqliteDryRunCopy, postgres: openPostgresDryRunCopy })(db, jobId, now);
}

async function openSqliteDryRunCopy(db: Db, jobId: string, now: string): Promise<DryRunCopy> {
  const source = await databaseFile(db, 'a dry run');
  const dir = join(dirname(source), 'imports');
  await mkdir(dir, { recursive: true });
  const file = join(dir, `dry-run-${jobId}.db`);
  await backupDatabase(source, file, now);
  let handle: DatabaseHandle | null = openDatabase(file);
  const remove = () => Promise.all(['', '-wal', '-shm'].map((suffix) => rm(`${file}${suffix}`, { force: true })));
  return {
    db: handle.db,
    async discard() {
      await handle?.close();
      handle = null;
      await remove();
    },
  };
}
