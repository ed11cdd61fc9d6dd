// A team host's side of sync: what its replicas read. Every read here is one consistent
// snapshot (openReadSnapshot), so the rows a page sends and the cursor it names agree even while
// the host keeps writing.
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../../db/schema.ts';
import { openReadSnapshot } from '../data/snapshot.ts';
import { type SyncRow, type SyncTableName, type SyncValue, normalRow, syncColumns, syncTable, syncTables } from './tables.ts';

export const syncFormat = 'localdesk-sync';
export const syncFormatVersion = 1;

export interface SyncChange {
  table: SyncTableName;
  key: SyncValue[];
  /** The row as it is at the page's cursor; null: it was deleted. */
  row: SyncRow | null;
}

export interface ChangesPage {
  /** Pull again after this. */
  cursor: number;
  /** More changes wait after `cursor`. */
  more: boolean;
  changes: SyncChange[];
}

export interface KeyRef {
  table: SyncTableName;
  key: SyncValue[];
}

/** The newest position of the change log: 0 when nothing was ever written. */
export async function syncCursor(db: Db): Promise<number> {
  const row = await db.selectFrom('sync_changes').select((eb) => eb.fn.max('seq').as('top')).executeTakeFirst();
  return Number(row?.top ?? 0);
}

const keyChunk = 200;

/** The current rows of `refs` (null for a key with no row), read through `db`. */
async function rowsOf(db: Db, columns: Record<SyncTableName, string[]>, refs: readonly KeyRef[]): Promise<SyncChange[]> {
  const out: SyncChange[] = [];
  const byTable = new Map<SyncTableName, SyncValue[][]>();
  for (const ref of refs) {
    const list = byTable.get(ref.table) ?? [];
    list.push(ref.key);
    byTable.set(ref.table, list);
  }
  for (const [name, keys] of byTable) {
    const table = syncTable(name);
    if (!table) continue;
    const cols = columns[name];
    for (let i = 0; i < keys.length; i += keyChunk) {
      const chunk = keys.slice(i, i + keyChunk);
      const match = sql.join(
        chunk.map((k) => sql`(${sql.join(table.key.map((c, j) => sql`${sql.ref(c)} = ${k[j] ?? null}`), sql` and `)})`),
        sql` or `,
      );
      const { rows } = await sql<Record<string, unknown>>`select ${sql.join(cols.map((c) => sql.ref(c)))}
        from ${sql.table(name)} where ${match}`.execute(db);
      const found = new Map(rows.map((r) => [JSON.stringify(table.key.map((c) => normalRow(r, [c])[c])), normalRow(r, cols)]));
      for (const key of chunk) out.push({ table: name, key, row: found.get(JSON.stringify(key)) ?? null });
    }
  }
  return out;
}

/**
 * The changes after `after`, at most `limit` keys, each with its row as it is now; and the
 * current rows of `keys` (a replica re-reading what its own pushed writes touched).
 */
export async function readChanges(db: Db, after: number, limit: number, keys: readonly KeyRef[] = []): Promise<ChangesPage> {
  const snapshot = await openReadSnapshot(db);
  try {
    const columns = await syncColumns(snapshot.db);
    const log = await snapshot.db
      .selectFrom('sync_changes')
      .select(['seq', 'tbl', 'pk'])
      .where('seq', '>', after)
      .orderBy('seq')
      .limit(limit + 1)
      .execute();
    const more = log.length > limit;
    const page = more ? log.slice(0, limit) : log;
    const refs: KeyRef[] = page
      .filter((c) => syncTable(c.tbl))
      .map((c) => ({ table: c.tbl as SyncTableName, key: JSON.parse(c.pk) as SyncValue[] }));
    const changes = await rowsOf(snapshot.db, columns, [...refs, ...keys]);
    const cursor = more ? Number(page[page.length - 1]?.seq ?? after) : Math.max(after, await syncCursor(snapshot.db));
    return { cursor, more, changes };
  } finally {
    await snapshot.close();
  }
}

const pageRows = 2000;

/** Every row of a table, a page at a time in key order (keyset paging). */
async function* tableRows(db: Db, name: SyncTableName, cols: readonly string[]): AsyncGenerator<SyncRow[]> {
  const table = syncTable(name);
  if (!table) return;
  const keyRefs = table.key.map((c) => sql.ref(c));
  let last: SyncValue[] | null = null;
  for (;;) {
    const after: RawBuilder<unknown> = last
      ? sql`where (${sql.join(keyRefs)}) > (${sql.join(last)})`
      : sql``;
    const { rows } = await sql<Record<string, unknown>>`select ${sql.join(cols.map((c) => sql.ref(c)))}
      from ${sql.table(name)} ${after} order by ${sql.join(keyRefs)} limit ${pageRows}`.execute(db);
    if (rows.length === 0) return;
    const page = rows.map((r) => normalRow(r, cols));
    yield page;
    const end = page[page.length - 1] as SyncRow;
    last = table.key.map((k) => end[k] ?? null);
    if (rows.length < pageRows) return;
  }
}

export interface TableChecksums {
  cursor: number;
  tables: Record<string, { rows: number; sum: string }>;
}

/** One row's part of its table's checksum: the first 8 bytes of the SHA-256 of its values. */
function rowHash(row: SyncRow, cols: readonly string[]): bigint {
  const digest = createHash('sha256').update(JSON.stringify(cols.map((c) => row[c]))).digest();
  return digest.readBigUInt64BE(0);
}

const mask = (1n << 64n) - 1n;

/**
 * Each replicated table's row count and the sum (mod 2^64) of its rows' hashes: independent of
 * row order, so two engines that sort text differently still agree on identical rows.
 */
export async function checksumTables(db: Db): Promise<Record<string, { rows: number; sum: string }>> {
  const columns = await syncColumns(db);
  const out: Record<string, { rows: number; sum: string }> = {};
  for (const t of syncTables) {
    let rows = 0;
    let sum = 0n;
    for await (const page of tableRows(db, t.name, columns[t.name])) {
      for (const row of page) {
        sum = (sum + rowHash(row, columns[t.name])) & mask;
        rows++;
      }
    }
    out[t.name] = { rows, sum: sum.toString(16).padStart(16, '0') };
  }
  return out;
}

/** The checksums of every replicated table and the cursor they are taken at. */
export async function hostChecksums(db: Db): Promise<TableChecksums> {
  const snapshot = await openReadSnapshot(db);
  try {
    return { cursor: await syncCursor(snapshot.db), tables: await checksumTables(snapshot.db) };
  } finally {
    await snapshot.close();
  }
}

/**
 * The whole replicated data as NDJSON, from one snapshot: a header line
 * `{ format, version, cursor, columns }`, then `{ t: table, r: [row, …] }` pages, then
 * `{ end: true, rows }`. Paced by the consumer; the snapshot closes when the stream ends.
 */
export async function snapshotStream(db: Db): Promise<{ cursor: number; stream: Readable }> {
  const snapshot = await openReadSnapshot(db);
  const close = () => void snapshot.close().catch(() => undefined);
  let cursor: number;
  let columns: Record<SyncTableName, string[]>;
  try {
    cursor = await syncCursor(snapshot.db);
    columns = await syncColumns(snapshot.db);
  } catch (err) {
    close();
    throw err;
  }
  async function* lines() {
    try {
      yield `${JSON.stringify({ format: syncFormat, version: syncFormatVersion, cursor, columns })}\n`;
      let total = 0;
      for (const t of syncTables) {
        for await (const page of tableRows(snapshot.db, t.name, columns[t.name])) {
          total += page.length;
          yield `${JSON.stringify({ t: t.name, r: page })}\n`;
        }
      }
      yield `${JSON.stringify({ end: true, rows: total })}\n`;
    } finally {
      close();
    }
  }
  const stream = Readable.from(lines(), { objectMode: false });
  stream.once('close', close);
  return { cursor, stream };
}
