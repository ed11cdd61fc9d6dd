// Exports and imports that carry attachments. An export archive is a tar (archive.ts) of
// `localdesk.json` (manifest), `export.ndjson` (every record, as a plain export) and the files
// its attachment rows name. Import takes either that archive or a plain NDJSON export; the
// files of imported attachment rows are given their final names inside the import's
// transaction, and a row whose file is neither in the archive nor already in the data folder
// fails the whole import.
import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import type { Kysely } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import { AppError } from '../../core/errors.ts';
import type { AttachmentStore, Received } from '../attachments/attachments.store.ts';
import { type WrittenArchive, isTarFile, readArchive, writeArchive } from './archive.ts';
import { exportStream } from './exportImport.ts';
import { type ImportResult, importFile } from './importRows.ts';

const ndjsonEntry = 'export.ndjson';
export const exportArchiveFormat = 'localdesk-export-archive';

/** The content hashes the attachment rows of an NDJSON export name. */
async function contentsNamed(ndjson: string): Promise<string[]> {
  const shas = new Set<string>();
  const prefix = '{"table":"attachments","row":';
  const lines = createInterface({ input: createReadStream(ndjson, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.startsWith(prefix)) continue;
    const row = (JSON.parse(line) as { row: { sha256?: unknown } }).row;
    if (typeof row.sha256 === 'string') shas.add(row.sha256);
  }
  return [...shas].sort();
}

/**
 * Writes an export archive to `destination` (via `.part`): the NDJSON of one snapshot, then the
 * files its attachment rows name (collection pauses in this process meanwhile).
 */
export async function exportArchive(
  db: Kysely<Database>,
  store: AttachmentStore,
  destination: string,
  exportedAt: string,
  appVersion: string,
): Promise<WrittenArchive> {
  return store.holding(async () => {
    const ndjson = `${destination}.ndjson.part`;
    try {
      await pipeline(await exportStream(db, exportedAt, appVersion), createWriteStream(ndjson, { mode: 0o600 }));
      return await writeArchive(
        destination,
        { format: exportArchiveFormat, version: 1, exportedAt, appVersion },
        [{ name: ndjsonEntry, path: ndjson }],
        store,
        await contentsNamed(ndjson),
      );
    } finally {
      await rm(ndjson, { force: true });
    }
  });
}

/** Gives received files their final names and checks every new attachment row has its file. */
function placeAttachments(store: AttachmentStore, received: readonly Received[]) {
  const bySha = new Map(received.map((r) => [r.sha256, r]));
  return async (trx: Kysely<Database>, rows: readonly { id: string; sha256: string }[]) => {
    const missing: string[] = [];
    for (const row of rows) {
      const file = bySha.get(row.sha256);
      if (file) {
        await store.place(file, trx);
        bySha.delete(row.sha256);
      } else if (!(await store.has(row.sha256, trx))) {
        missing.push(row.id);
      }
    }
    if (missing.length > 0) {
      const message =
        `${missing.length} attachment(s) (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''}) ` +
        'name files that are neither in the import nor in this data folder: import an export archive ' +
        '(GET /export?format=tar, localdesk export --format tar), which carries them';
      throw new AppError('BAD_REQUEST', message, { errors: [{ path: 'attachments', message }] });
    }
  };
}

/**
 * Imports `file`: an export archive (tar) or a plain NDJSON export, all or nothing. Files the
 * archive holds that no imported row names are dropped.
 */
export async function importData(db: Kysely<Database>, store: AttachmentStore, file: string, workDir: string): Promise<ImportResult> {
  if (!(await isTarFile(file))) {
    return importFile(db, file, { afterRows: placeAttachments(store, []) });
  }
  const ndjson = join(workDir, `import-${randomUUID()}.ndjson.part`);
  const read = await readArchive(createReadStream(file), store, (name) => (name === ndjsonEntry ? ndjson : null));
  try {
    if (read.manifest?.format !== exportArchiveFormat || !read.files.has(ndjsonEntry)) {
      throw new AppError('BAD_REQUEST', `not a LocalDesk export archive (it needs ${ndjsonEntry} and a ${exportArchiveFormat} manifest)`);
    }
    return await importFile(db, ndjson, { afterRows: placeAttachments(store, read.received) });
  } finally {
    for (const received of read.received) await store.discard(received);
    await rm(ndjson, { force: true });
  }
}
