// GET /export, POST /import and POST /admin/backup: whole-database operations, admin only.
import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Context } from 'koa';
import { z } from 'zod';
import { nowIso } from '../core/clock.ts';
import { AppError, badRequest } from '../core/errors.ts';
import { defineRoute } from '../http/route.ts';
import { appVersion } from '../core/version.ts';
import { partialPath, reserveBackupPath } from '../domain/data/backup.ts';
import { backupArchive } from '../domain/data/backupArchive.ts';
import { databaseFile, exportStream, fileStamp } from '../domain/data/exportImport.ts';
import { exportArchive, importData } from '../domain/data/dataArchive.ts';
import { createReadStream } from 'node:fs';
import { exportTables } from '../domain/data/format.ts';

const tag = 'Data';
const ndjson = 'application/x-ndjson';
const tar = 'application/x-tar';
const ExportQuery = z.strictObject({
  format: z
    .enum(['ndjson', 'tar'])
    .default('ndjson')
    .meta({ description: '`tar`: an archive of the NDJSON and the attachment files it names' }),
});
/** An import body may be far larger than a JSON body; it goes to disk, not memory. */
export const importLimitBytes = 1024 ** 3;

const TableCounts = z.object(Object.fromEntries(exportTables.map((t) => [t, z.number().int()])));
const ImportResultSchema = z
  .object({ imported: TableCounts, skipped: TableCounts, merged: TableCounts })
  .meta({ id: 'ImportResult' });
const BackupResultSchema = z
  .object({
    path: z.string(),
    bytes: z.number().int(),
    createdAt: z.string(),
    attachments: z.number().int().meta({ description: 'Attachment files in the archive' }),
    missingAttachments: z
      .number()
      .int()
      .meta({ description: 'Files the database references that were missing from the data folder' }),
  })
  .meta({ id: 'BackupResult' });

/**
 * Copies the request body to a file in the data folder, so the import can validate it fully
 * before its transaction starts and never waits on the network inside one. Over the limit is
 * a 413 (the rest of the body is left unread and the connection closed after the answer).
 */
function spoolBody(ctx: Context, dir: string): Promise<string> {
  if (ctx.request.type !== ndjson && ctx.request.type !== tar) {
    throw new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      `an import must be sent as ${ndjson} or ${tar} (got ${ctx.get('content-type') || 'no Content-Type'})`,
    );
  }
  const encoding = ctx.get('content-encoding');
  if (encoding && encoding !== 'identity') {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', `Content-Encoding ${encoding} is not supported`);
  }
  const tooLarge = () =>
    new AppError('PAYLOAD_TOO_LARGE', `an import is limited to ${importLimitBytes} bytes`, {
      limitBytes: importLimitBytes,
    });
  const length = ctx.request.length;
  if (length !== undefined && length > importLimitBytes) throw tooLarge();

  const file = join(dir, `import-${randomUUID()}.ndjson.part`);
  const req = ctx.req;
  return new Promise<string>((resolve, reject) => {
    const out = createWriteStream(file, { mode: 0o600 });
    let bytes = 0;
    let done = false;
    const fail = (err: Error) => {
      if (done) return;
      done = true;
      req.off('data', onData);
      req.pause();
      out.destroy();
      void rm(file, { force: true }).finally(() => reject(err));
    };
    const onData = (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > importLimitBytes) return fail(tooLarge());
      if (!out.write(chunk)) {
        req.pause();
        out.once('drain', () => req.resume());
      }
    };
    req.on('data', onData);
    req.once('end', () => out.end());
    req.once('error', (err) => fail(badRequest('the request body could not be read', [{ path: '', message: err.message }])));
    req.once('close', () => {
      if (!req.complete) fail(badRequest('the request body ended early', [{ path: '', message: 'aborted' }]));
    });
    out.once('error', fail);
    out.once('finish', () => {
      if (done) return;
      done = true;
      resolve(file);
    });
  });
}

export const dataRoutes = [
  defineRoute({
    method: 'GET',
    path: '/export',
    tag,
    summary: 'Every record as newline-delimited JSON, streamed',
    description:
      `Responds \`${ndjson}\` as a download. Line 1 is \`{"format":"localdesk-export","version":1,` +
      '"exportedAt":...}`, then one `{"table":...,"row":{...}}` per record (columns as stored, ' +
      'snake_case; parents before children), and last `{"end":true,"rows":N}` so a cut-short file ' +
      'is detected. All rows come from one snapshot taken when the request arrives, while writes ' +
      'continue. Includes API key hashes and webhook secrets: keep it as safe as the database. ' +
      `With \`format=tar\`: \`${tar}\`, an archive of \`localdesk.json\`, \`export.ndjson\` and ` +
      '`attachments/<sha256[0..2]>/<sha256>` for every attachment file the records name. The same ' +
      'format on SQLite and PostgreSQL (never a database file), so an export from either engine ' +
      'imports into the other.',
    scope: 'admin',
    query: ExportQuery,
    stream: true,
    handler: async ({ ctx, deps, http, query }) => {
      const exportedAt = nowIso(ctx.clock);
      if (query.format === 'tar') {
        const file = join(deps.config.dataDir, `export-${randomUUID()}.tar`);
        const written = await exportArchive(ctx.db, deps.attachments, file, exportedAt, appVersion);
        const stream = createReadStream(file);
        stream.once('close', () => void rm(file, { force: true }));
        http.status = 200;
        http.type = tar;
        http.set('Content-Disposition', `attachment; filename="localdesk-${fileStamp(exportedAt)}.tar"`);
        http.set('Cache-Control', 'no-store');
        http.body = stream;
        http.length = written.bytes;
        return { data: null };
      }
      const stream = await exportStream(ctx.db, exportedAt, appVersion);
      stream.on('error', (err) => {
        // Headers are gone: cutting the connection is how the client learns the file is short.
        deps.logger.error({ err }, 'export failed');
        http.res.destroy();
      });
      http.status = 200;
      http.type = ndjson;
      http.set('Content-Disposition', `attachment; filename="localdesk-${fileStamp(exportedAt)}.ndjson"`);
      http.set('Cache-Control', 'no-store');
      http.body = stream;
      return { data: null };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/import',
    tag,
    summary: 'Load an export back in; idempotent by id, all or nothing',
    description:
      `Body: an export file as \`${ndjson}\`, or an export archive (GET /export?format=tar) as ` +
      `\`${tar}\` (up to 1 GiB). Rows whose id is already present are ` +
      'left as they are (`skipped`); a user, contact, tag, project or key whose id is new but whose ' +
      'email, name, slug or key is taken is merged into the existing one (`merged`, counted in ' +
      '`skipped`) and references to it follow. SLA policies take the imported values. Rows are ' +
      'held to the rules of the API (field lengths, e-mail addresses, scopes; JSON columns such as ' +
      'event data must hold valid JSON nested at most 64 levels), and a row whose id appears twice ' +
      'in the file is reported with both lines. Any invalid line or broken reference is a 400 ' +
      'naming the line, and nothing is imported. Reads are answered while an import runs; writes ' +
      'wait for it. Imported ' +
      'events are history: they sort before existing events and are not sent to streams, ' +
      'webhooks or workflows. Attachment rows need their files: in the archive, or already in this ' +
      'data folder (400 otherwise).',
    scope: 'admin',
    response: ImportResultSchema,
    idempotency: false,
    handler: async ({ ctx, deps, http }) => {
      const file = await spoolBody(http, deps.config.dataDir);
      try {
        return { data: await importData(ctx.db, deps.attachments, file, deps.config.dataDir) };
      } finally {
        await rm(file, { force: true });
      }
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/admin/backup',
    tag,
    summary: 'Consistent online backup of the database and its attachment files, as one archive',
    description:
      'Writes `<data folder>/backups/localdesk-<timestamp>.tar`: `localdesk.json` (manifest), ' +
      '`localdesk.db` (SQLite online backup from a snapshot taken when the request arrives; writes ' +
      'continue meanwhile) and `attachments/<sha256[0..2]>/<sha256>` for every file that snapshot ' +
      'references. Restore with `localdesk restore FILE --data DIR` into an empty folder. It is ' +
      'written as `….tar.part` and renamed only when complete, so a file with the final name is ' +
      'always a whole backup; partial files left by a crash are removed at the next start. SQLite ' +
      'only: on PostgreSQL it answers 503 (back up with pg_dump, or take GET /export?format=tar).',
    scope: 'admin',
    status: 201,
    response: BackupResultSchema,
    idempotency: false,
    handler: async ({ ctx, deps }) => {
      const source = await databaseFile(ctx.db, 'a backup (POST /admin/backup)');
      const createdAt = nowIso(ctx.clock);
      // Nothing carries the final name until the archive is complete (backup.ts).
      const path = await reserveBackupPath(deps.config.dataDir, createdAt, 'tar');
      try {
        return { data: await backupArchive(source, deps.attachments, path, createdAt, appVersion) };
      } catch (err) {
        await rm(partialPath(path), { force: true });
        throw err;
      }
    },
  }),
];
