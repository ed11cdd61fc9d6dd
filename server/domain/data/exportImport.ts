// Export: every record as NDJSON, read from one snapshot (snapshot.ts) and streamed, on either
// engine. Tables are read through Kysely a page at a time in their insertion order (keyset
// paging on the dialect's row order), so nothing is held in memory beyond a page and the chunk
// being sent, however large a table is.
//
// An export holds everything the database holds, API key hashes and webhook secrets included:
// it is as sensitive as the database itself.
import { Readable } from 'node:stream';
import { type Kysely, sql } from 'kysely';
import { dialectOf } from '../../../db/dialect.ts';
import type { Database } from '../../../db/schema.ts';
import { type Column, type Row, type Value, endLine, exportTables, headerLine, loadColumns } from './format.ts';
import { openReadSnapshot } from './snapshot.ts';

export { importFile, type ImportResult } from './importRows.ts';
export { databaseFile } from './databaseFile.ts';
export { openSqliteSnapshot as openSnapshot } from './snapshot.ts';

type Db = Kysely<Database>;

/** Lines are sent in chunks of about this size: one write per line would be slow. */
const chunkBytes = 64 * 1024;
/** Rows per page: a message row can be large (a long body), so pages stay modest. */
const pageRows = 500;

/** One page of `table` after the key `after` (null: from the start), in `keys` order. */
async function readPage(db: Db, table: string, columns: readonly Column[], keys: readonly string[], after: Value[] | null) {
  const alias = (i: number) => `__key${i}`;
  const selected = [
    ...columns.map((c) => sql.ref(c.name)),
    ...keys.map((k, i) => sql`${sql.ref(k)} as ${sql.ref(alias(i))}`),
  ];
  const keyList = sql.join(keys.map((k) => sql.ref(k)));
  const where = after === null ? sql`` : sql`where (${keyList}) > (${sql.join(after)})`;
  const { rows } = await sql<Record<string, Value>>`select ${sql.join(selected)} from ${sql.table(table)}
    ${where} order by ${keyList} limit ${pageRows}`.execute(db);
  return { rows, lastKey: rows.length === pageRows ? keys.map((_, i) => rows[rows.length - 1]?.[alias(i)] ?? null) : null };
}

async function* exportChunks(db: Db, exportedAt: string, appVersion: string): AsyncGenerator<string> {
  const dialect = dialectOf(db);
  const columns = await loadColumns(db);
  let chunk = headerLine(exportedAt, appVersion);
  let rows = 0;
  for (const table of exportTables) {
    const keys = await dialect.rowOrder(db, table);
    const prefix = `{"table":"${table}","row":`;
    let after: Value[] | null = null;
    do {
      const page = await readPage(db, table, columns[table], keys, after);
      for (const stored of page.rows) {
        // The columns in catalog order, without the paging keys.
        const row: Row = {};
        for (const c of columns[table]) row[c.name] = stored[c.name] ?? null;
        chunk += `${prefix}${JSON.stringify(row)}}\n`;
        rows++;
        if (chunk.length >= chunkBytes) {
          yield chunk;
          chunk = '';
        }
      }
      after = page.lastKey;
    } while (after !== null);
  }
  yield chunk + endLine(rows);
}

/**
 * The whole database as an NDJSON stream (see format.ts), from a snapshot taken before this
 * returns. Reading is paced by the consumer (Readable.from pulls a chunk only when the last one
 * was taken), and the snapshot is closed when the stream ends, fails or is destroyed.
 */
export async function exportStream(db: Db, exportedAt: string, appVersion: string): Promise<Readable> {
  const snapshot = await openReadSnapshot(db);
  const close = () => void snapshot.close().catch(() => undefined);
  async function* chunks() {
    try {
      yield* exportChunks(snapshot.db, exportedAt, appVersion);
    } finally {
      close();
    }
  }
  // A generator that has not started ignores return(), so closing is also tied to the stream.
  const stream = Readable.from(chunks(), { objectMode: false, highWaterMark: 4 * chunkBytes });
  stream.once('close', close);
  return stream;
}

/** A timestamp usable in a file name on every platform (no colons). */
export function fileStamp(iso: string): string {
  return iso.replaceAll(':', '-');
}
