// Online backup: SQLite's backup API copies the database page by page from a snapshot, so the
// copy is consistent while the server keeps writing. The source is a separate read-only
// connection holding a read transaction: in WAL mode its pages stay those of the moment the
// backup started, and the copy never restarts however much is written meanwhile. The pages
// are copied in steps with the event loop free in between, so requests keep being served.
import { existsSync } from 'node:fs';
import { open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { ensurePrivateDir, ensurePrivateFile } from '../../../db/files.ts';
import { openSnapshot, fileStamp } from './exportImport.ts';

export interface BackupResult {
  path: string;
  bytes: number;
  createdAt: string;
}

/** Where a backup is written until it is complete: only then does it get its final name. */
export function partialPath(destination: string): string {
  return `${destination}.part`;
}

/**
 * Copies the database at `source` to `destination` (replaced if it exists). The copy is
 * written beside the destination and renamed into place, so a failed or interrupted backup
 * never leaves a half-written file under the final name. The copy is 0600 (files.ts).
 */
export async function backupDatabase(source: string, destination: string, createdAt: string): Promise<BackupResult> {
  const partial = partialPath(destination);
  try {
    // Made (or reset) 0600 before SQLite writes the pages into it, whatever the umask.
    await (await open(partial, 'w', 0o600)).close();
    ensurePrivateFile(partial);
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
 * Picks `<dataDir>/backups/localdesk-<timestamp>.<ext>` (with a counter if taken) and reserves it
 * by creating its partial file exclusively, so two backups in the same millisecond cannot pick
 * the same name. Nothing exists under the final name until the backup has finished: one killed
 * midway leaves only `.part` files, which clearUnfinishedFiles removes at the next start.
 */
export async function reserveBackupPath(dataDir: string, createdAt: string, ext: 'db' | 'tar' = 'db'): Promise<string> {
  const dir = join(dataDir, 'backups');
  ensurePrivateDir(dir);
  const base = `localdesk-${fileStamp(createdAt)}`;
  for (let n = 1; ; n++) {
    const path = join(dir, n === 1 ? `${base}.${ext}` : `${base}-${n}.${ext}`);
    if (existsSync(path)) continue;
    try {
      await (await open(partialPath(path), 'wx', 0o600)).close();
      return path;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/**
 * What an interrupted backup or import leaves: only these names are ever removed. SQLite writes
 * a backup's pages under a rollback journal, which a kill leaves beside the partial file; an
 * archive (`.tar`) is written as `.tar.part` beside its database snapshot `.tar.db.part`.
 */
const unfinished = [
  { dir: 'backups', name: /^localdesk-[\dT:.Z-]+(-\d+)?\.(db|tar)(\.db)?(\.part)+(-journal)?$/ },
  { dir: '.', name: /^import-[0-9a-f-]{36}\.ndjson\.part$/ },
];

/**
 * Removes the partial backups and import spools a killed process left in the data folder. Call
 * it when a server starts on the folder, before anything new can be in progress there.
 */
export async function clearUnfinishedFiles(dataDir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const { dir, name } of unfinished) {
    const folder = join(dataDir, dir);
    const names = await readdir(folder).catch(() => [] as string[]);
    for (const file of names.filter((n) => name.test(n))) {
      await rm(join(folder, file), { force: true });
      removed.push(join(folder, file));
    }
  }
  return removed;
}
