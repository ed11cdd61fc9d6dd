// Online backup: SQLite's backup API copies the database page by page from a snapshot, so the
// copy is consistent while the server keeps writing. The source is a separate read-only
// connection holding a read transaction: in WAL mode its pages stay those of the moment the
// backup started, and the copy never restarts however much is written meanwhile. The pages
// are copied in steps with the event loop free in between, so requests keep being served.
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { openSnapshot, fileStamp } from './exportImport.ts';

export interface BackupResult {
  path: string;
  bytes: number;
  createdAt: string;
}

/**
 * Copies the database at `source` to `destination` (replaced if it exists). The copy is
 * written beside the destination and renamed into place, so a failed or interrupted backup
 * never leaves a half-written file under the final name.
 */
export async function backupDatabase(source: string, destination: string, createdAt: string): Promise<BackupResult> {
  const partial = `${destination}.part`;
  await rm(partial, { force: true });
  try {
    const snapshot = openSnapshot(source);
    try {
      await snapshot.backup(partial);
    } finally {
      snapshot.close();
    }
    // The pages carry the source's WAL mode; a backup is one self-contained file instead.
    const copy = new BetterSqlite3(partial);
    try {
      copy.pragma('journal_mode = DELETE');
    } finally {
      copy.close();
    }
    await rename(partial, destination);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  const { size } = await stat(destination);
  return { path: destination, bytes: size, createdAt };
}

/**
 * Reserves `<dataDir>/backups/localdesk-<timestamp>.<ext>` (an empty file, created exclusively so
 * two backups in the same millisecond cannot pick the same name), with a counter if taken.
 */
export async function reserveBackupPath(dataDir: string, createdAt: string, ext = 'db'): Promise<string> {
  const dir = join(dataDir, 'backups');
  await mkdir(dir, { recursive: true });
  const base = `localdesk-${fileStamp(createdAt)}`;
  for (let n = 1; ; n++) {
    const path = join(dir, n === 1 ? `${base}.${ext}` : `${base}-${n}.${ext}`);
    try {
      await (await open(path, 'wx', 0o600)).close();
      return path;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}
