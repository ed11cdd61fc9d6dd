// CSV files uploaded for an import (POST /imports/files): streamed to the data folder, never held
// in memory, fingerprinted, and described back (header and a few rows) so a column mapping can be
// chosen before the import starts. A file serves any number of jobs (a dry run, then the real
// one) and is removed a day after upload, once no queued or running job needs it.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../../../db/schema.ts';
import type { ImportFileT } from '../../../common/contract/imports.ts';
import { nowIso } from '../../core/clock.ts';
import { AppError, badRequest, notFound } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import type { Ctx } from '../context.ts';
import { detectDelimiter, parseCsv } from './sources/csv.ts';
import { ImportSourceError } from './sources/types.ts';

/** Uploads are kept this long (a dry run, a look at its report, then the real run). */
export const importFileLifetimeMs = 24 * 60 * 60 * 1000;

export function importFilesDir(dataDir: string): string {
  return join(dataDir, 'imports');
}

/** Copies the body to disk (413 past `limitBytes`), then reads its header and first rows. */
export async function storeImportFile(
  ctx: Ctx,
  dataDir: string,
  file: { name: string; modifiedAt?: string | undefined },
  body: AsyncIterable<Uint8Array>,
  limitBytes: number,
): Promise<ImportFileT> {
  const { name } = file;
  const id = newId('importFile', ctx.clock);
  const dir = importFilesDir(dataDir);
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${id}.csv`);
  const hash = createHash('sha256');
  let bytes = 0;
  try {
    const out = createWriteStream(path, { mode: 0o600 });
    try {
      for await (const chunk of body) {
        bytes += chunk.length;
        if (bytes > limitBytes) throw new AppError('PAYLOAD_TOO_LARGE', `an import file is limited to ${limitBytes} bytes`, { limitBytes });
        hash.update(chunk);
        if (!out.write(chunk)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
      }
    } finally {
      await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
    }
    if (bytes === 0) throw badRequest('the file is empty', [{ path: '', message: 'the file is empty' }]);
    // Tickets of a file without a created column are dated by its modification time.
    if (file.modifiedAt) {
      const at = new Date(file.modifiedAt);
      await utimes(path, at, at);
    }
    const { delimiter, headers, sample } = await describeFile(path);
    const createdAt = nowIso(ctx.clock);
    const sha256 = hash.digest('hex');
    await ctx.db.insertInto('import_files').values({ id, name, path, bytes, sha256, created_at: createdAt }).execute();
    return { id, name, bytes, sha256, delimiter, headers, sample, createdAt };
  } catch (err) {
    await rm(path, { force: true });
    throw err;
  }
}

async function describeFile(path: string): Promise<{ delimiter: string; headers: string[]; sample: string[][] }> {
  const head = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    createReadStream(path, { start: 0, end: 64 * 1024 - 1 })
      .on('data', (c) => chunks.push(c as Buffer))
      .on('end', () => resolve(Buffer.concat(chunks)))
      .on('error', reject);
  });
  const start = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  const delimiter = String.fromCharCode(detectDelimiter(head.subarray(start)));
  const rows: string[][] = [];
  try {
    for await (const record of parseCsv(createReadStream(path, { highWaterMark: 64 * 1024 }), { delimiter })) {
      rows.push(record.fields);
      if (rows.length > 5) break;
    }
  } catch (err) {
    if (err instanceof ImportSourceError) throw badRequest(err.message, [{ path: '', message: err.message }]);
    throw err;
  }
  const [headers = [], ...sample] = rows;
  return { delimiter, headers, sample };
}

/** Where an uploaded file is; a 400 naming the field when there is no such upload. */
export async function importFilePath(db: Db, fileId: string | undefined): Promise<string | undefined> {
  if (!fileId) return undefined;
  const row = await db.selectFrom('import_files').select('path').where('id', '=', fileId).executeTakeFirst();
  return row?.path;
}

export async function getImportFile(db: Db, fileId: string): Promise<{ id: string; name: string; path: string }> {
  const row = await db.selectFrom('import_files').select(['id', 'name', 'path']).where('id', '=', fileId).executeTakeFirst();
  if (!row) throw notFound('import file', fileId);
  return row;
}

/** Removes uploads past their lifetime that no queued or running job still reads. */
export async function sweepImportFiles(db: Db, now: Date): Promise<void> {
  const cutoff = new Date(now.getTime() - importFileLifetimeMs).toISOString();
  const old = await db.selectFrom('import_files').select(['id', 'path']).where('created_at', '<', cutoff).execute();
  if (old.length === 0) return;
  const active = await db.selectFrom('imports').select('options').where('status', 'in', ['queued', 'running']).where('source', '=', 'csv').execute();
  const inUse = new Set(active.map((r) => (JSON.parse(r.options) as { fileId?: string }).fileId));
  for (const file of old) {
    if (inUse.has(file.id)) continue;
    await rm(file.path, { force: true });
    await db.deleteFrom('import_files').where('id', '=', file.id).execute();
  }
}
