// A backup is one archive (archive.ts): `localdesk.json` (the manifest), `localdesk.db` (an
// online snapshot of the database) and every attachment file that snapshot references. The
// snapshot comes first and the files after: stored files never change (they are named by their
// hash), and collection keeps a deleted content for a grace period and pauses in this process
// while a backup runs, so every file the snapshot names is still there to copy.
import { existsSync } from 'node:fs';
import { createReadStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { AppError } from '../../core/errors.ts';
import { AttachmentStore } from '../attachments/attachments.store.ts';
import { readArchive, writeArchive } from './archive.ts';
import { backupDatabase } from './backup.ts';

export const backupFormat = 'localdesk-backup';
export const backupVersion = 1;
const databaseEntry = 'localdesk.db';

export interface BackupArchiveResult {
  path: string;
  bytes: number;
  createdAt: string;
  /** Attachment files in the archive. */
  attachments: number;
  /** Files the database references that were missing from the data folder (not in the archive). */
  missingAttachments: number;
}

/** Every content hash the database at `file` references. */
function referencedContents(file: string): string[] {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    const table = db.prepare("select 1 from sqlite_schema where type = 'table' and name = 'attachments'").get();
    if (!table) return [];
    return (db.prepare('select distinct sha256 from attachments order by sha256').all() as { sha256: string }[]).map((r) => r.sha256);
  } finally {
    db.close();
  }
}

export async function backupArchive(
  databaseFile: string,
  store: AttachmentStore,
  destination: string,
  createdAt: string,
  appVersion: string,
): Promise<BackupArchiveResult> {
  return store.holding(async () => {
    const snapshot = `${destination}.db.part`;
    try {
      await backupDatabase(databaseFile, snapshot, createdAt);
      const written = await writeArchive(
        destination,
        { format: backupFormat, version: backupVersion, createdAt, appVersion },
        [{ name: databaseEntry, path: snapshot }],
        store,
        referencedContents(snapshot),
      );
      return {
        path: written.path,
        bytes: written.bytes,
        createdAt,
        attachments: written.attachments,
        missingAttachments: written.missing.length,
      };
    } finally {
      await rm(snapshot, { force: true });
    }
  });
}

export interface RestoreResult {
  database: string;
  databaseBytes: number;
  attachments: number;
  /** Contents the database references that neither the archive nor the folder holds. */
  missingAttachments: string[];
}

/**
 * Restores a backup archive into `dataDir`, which must not hold a database yet (restoring over
 * a live folder would mix two histories). The files are checked against their hashes; the
 * database gets its final name last, so an interrupted restore leaves no database behind.
 */
export async function restoreArchive(archive: string, dataDir: string): Promise<RestoreResult> {
  const database = join(dataDir, databaseEntry);
  if (existsSync(database)) {
    throw new AppError('CONFLICT', `${database} already exists: restore into an empty data folder, or move the old database away first`);
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const store = new AttachmentStore(dataDir);
  const partial = `${database}.restore.part`;
  const read = await readArchive(createReadStream(archive), store, (name) => (name === databaseEntry ? partial : null));
  try {
    if (read.manifest?.format !== backupFormat) {
      throw new AppError('BAD_REQUEST', `${archive} is not a LocalDesk backup (no ${backupFormat} manifest)`);
    }
    if (!read.files.has(databaseEntry)) throw new AppError('BAD_REQUEST', `${archive} holds no ${databaseEntry}`);
    for (const received of read.received) await store.place(received);
    const missing: string[] = [];
    for (const sha of referencedContents(partial)) if (!(await store.has(sha))) missing.push(sha);
    await rename(partial, database);
    return { database, databaseBytes: (await stat(database)).size, attachments: read.received.length, missingAttachments: missing };
  } catch (err) {
    for (const received of read.received) await store.discard(received);
    await rm(partial, { force: true });
    throw err;
  }
}
