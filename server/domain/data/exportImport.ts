// Export: every record as NDJSON, read from one snapshot and streamed. The snapshot is a read
// transaction on a separate read-only connection to the same file: in WAL mode it sees the
// database as it was at its first read while the server's connection keeps writing, and
// nothing is held in memory beyond the chunk being sent.
//
// An export holds everything the database holds, API key hashes and webhook secrets included:
// it is as sensitive as the database file itself.
import { Readable } from 'node:stream';
import BetterSqlite3 from 'better-sqlite3';
import {
  type ColumnInfo,
  endLine,
  exportTables,
  exportedColumns,
  headerLine,
  selectSql,
  tableInfoPragma,
} from './format.ts';

export { importFile, type ImportResult } from './importRows.ts';
export { databaseFile } from './databaseFile.ts';

/** Lines are sent in chunks of about this size: one write per line would be slow. */
const chunkBytes = 64 * 1024;

/**
 * Opens a read-only connection to `file` and pins a snapshot: the read transaction starts at
 * the first SELECT, so everything read through it afterwards is from this moment.
 */
export function openSnapshot(file: string): BetterSqlite3.Database {
  const conn = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    conn.pragma('busy_timeout = 5000');
    conn.exec('begin');
    conn.prepare('select count(*) from sqlite_schema').get();
    return conn;
  } catch (err) {
    conn.close();
    throw err;
  }
}

function* exportChunks(conn: BetterSqlite3.Database, exportedAt: string, appVersion: string): Generator<string> {
  let chunk = headerLine(exportedAt, appVersion);
  let rows = 0;
  for (const table of exportTables) {
    const columns = exportedColumns(table, conn.pragma(tableInfoPragma(table)) as ColumnInfo[]);
    const prefix = `{"table":"${table}","row":`;
    for (const row of conn.prepare(selectSql(table, columns)).iterate()) {
      chunk += `${prefix}${JSON.stringify(row)}}\n`;
      rows++;
      if (chunk.length >= chunkBytes) {
        yield chunk;
        chunk = '';
      }
    }
  }
  yield chunk + endLine(rows);
}

/**
 * The whole database as an NDJSON stream (see format.ts), from a snapshot taken now. Reading is
 * paced by the consumer (Readable.from pulls a chunk only when the last one was taken), and the
 * snapshot connection is closed when the stream ends, fails or is destroyed (client gone).
 */
export function exportStream(file: string, exportedAt: string, appVersion: string): Readable {
  const conn = openSnapshot(file);
  const close = () => {
    if (conn.open) conn.close();
  };
  const chunks = exportChunks(conn, exportedAt, appVersion);
  // A generator that has not started ignores return(), so closing is also tied to the stream.
  const stream = Readable.from(chunks, { objectMode: false, highWaterMark: 4 * chunkBytes });
  stream.once('close', close);
  return stream;
}

/** A timestamp usable in a file name on every platform (no colons). */
export function fileStamp(iso: string): string {
  return iso.replaceAll(':', '-');
}
