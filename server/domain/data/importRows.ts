// Import: an export file back into the database, all or nothing, idempotent by id. The file is
// read twice: once to validate every line (nothing is written if any line is wrong), then inside
// one transaction to insert. Rows already present (same id, or same natural key for the tables
// below) are left as they are; the search index is rebuilt for what changed. The same code runs
// on both engines: only how the import's transaction is opened differs (importTransaction).
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { busyTimeoutMs, openDatabase } from '../../../db/connection.ts';
import { byDialect, dialectOf } from '../../../db/dialect.ts';
import type { Database } from '../../../db/schema.ts';
import { inOneTransaction, transact } from '../../../db/transact.ts';
import { writeGateOf } from '../../../db/writeGate.ts';
import { databaseFile } from './databaseFile.ts';
import { type ExportTable, type RowSchemas, lineError, loadColumns, parseLine, rowSchemas } from './format.ts';
import { rowIdentity } from './importRules.ts';
import { contactEntries, conversationEntries, ticketEntries } from './searchEntries.ts';
import { type ImportResult, type Inserted, RowWriter } from './rowWriter.ts';

type Db = Kysely<Database>;

export type { ImportResult } from './rowWriter.ts';

async function* readLines(file: string): AsyncGenerator<{ text: string; line: number }> {
  const input = createReadStream(file, { encoding: 'utf8' });
  const reader = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const raw of reader) {
      line++;
      const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
      if (text.trim() !== '') yield { text, line };
    }
  } finally {
    reader.close();
    input.destroy();
  }
}

/**
 * Pass 1: every line valid, header first, end line last with the right count, and no row given
 * twice (the second would have been skipped silently as "already present").
 */
async function checkFile(file: string, schemas: RowSchemas): Promise<{ events: number }> {
  let header = false;
  let rows = 0;
  let events = 0;
  let end: { rows: number; line: number } | null = null;
  let last = 0;
  const seen = new Map<ExportTable, Map<string, number>>();
  for await (const { text, line } of readLines(file)) {
    last = line;
    if (end) throw lineError(line, 'nothing may follow the end line');
    const parsed = parseLine(text, line, schemas, !header);
    header = true;
    if (parsed.kind === 'row') {
      rows++;
      if (parsed.table === 'events') events++;
      const identity = rowIdentity(parsed.table, parsed.row);
      if (identity !== null) {
        let lines = seen.get(parsed.table);
        if (!lines) seen.set(parsed.table, (lines = new Map()));
        const first = lines.get(identity);
        if (first !== undefined) {
          throw lineError(line, `this ${parsed.table} row repeats the id ${identity} of line ${first}`, `${parsed.table}.id`);
        }
        lines.set(identity, line);
      }
    } else if (parsed.kind === 'end') {
      end = { rows: parsed.rows, line };
    }
  }
  if (!header) throw lineError(1, 'the file is empty: expected the export header');
  if (!end) throw lineError(last + 1, 'the file ends without its end line: it was cut short');
  if (end.rows !== rows) {
    throw lineError(end.line, `the end line counts ${end.rows} rows but the file holds ${rows}: lines are missing`);
  }
  return { events };
}

/** Keys before the import: tickets and conversations above them are the ones it inserted. */
interface Marks {
  tickets: number;
  conversations: number;
  firstEvent: number;
}

/** Rows indexed per statement when building the search entries of what was imported. */
const searchChunk = 2_000;
/** Ids per `in (…)` list. */
const idChunk = 500;

/** Lets the event loop run (reads on the server's own connection are answered meanwhile). */
const breathe = () => new Promise<void>((resolve) => setImmediate(resolve));

function* chunksOf<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let chunk: T[] = [];
  for (const item of items) {
    chunk.push(item);
    if (chunk.length === size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

/**
 * Search entries for new tickets, conversations and contacts, and for threads that grew. New
 * rows are indexed a range of keys at a time, so a large import never holds the thread long.
 */
async function rebuildSearch(trx: Db, m: Marks, inserted: Inserted): Promise<void> {
  const tickets = (which: RawBuilder<unknown>) => ticketEntries(trx, which);
  for (const ids of chunksOf(inserted.grownTickets, idChunk)) {
    const grown = sql`t.seq <= ${m.tickets} and t.id in (${sql.join(ids)})`;
    await sql`delete from ticket_fts where rowid in (select t.seq from tickets t where ${grown})`.execute(trx);
    await tickets(grown).execute(trx);
  }
  await inRanges(trx, 'tickets', m.tickets, (lo, hi) => tickets(sql`t.seq > ${lo} and t.seq <= ${hi}`));

  const conversations = (which: RawBuilder<unknown>) => conversationEntries(trx, which);
  for (const ids of chunksOf(inserted.grownConversations, idChunk)) {
    const grown = sql`c.seq <= ${m.conversations} and c.id in (${sql.join(ids)})`;
    await sql`delete from conversation_fts where rowid in (select c.seq from conversations c where ${grown})`.execute(trx);
    await conversations(grown).execute(trx);
  }
  await inRanges(trx, 'conversations', m.conversations, (lo, hi) => conversations(sql`c.seq > ${lo} and c.seq <= ${hi}`));

  for (const ids of chunksOf(inserted.contacts, searchChunk)) {
    await contactEntries(sql`id in (${sql.join(ids)})`).execute(trx);
    await breathe();
  }
}

/** Runs `statement` for the keys above `mark`, searchChunk keys at a time, breathing between. */
async function inRanges(
  trx: Db,
  table: 'tickets' | 'conversations',
  mark: number,
  statement: (lo: number, hi: number) => RawBuilder<unknown>,
): Promise<void> {
  const { rows } = await sql<{ top: number | null }>`select max(seq) as top from ${sql.table(table)}`.execute(trx);
  const top = rows[0]?.top ?? 0;
  for (let lo = mark; lo < top; lo += searchChunk) {
    await statement(lo, Math.min(top, lo + searchChunk)).execute(trx);
    await breathe();
  }
}

/** Work that must commit with the imported rows (attachment files given their final names). */
export interface ImportHooks {
  /** After every row is written; `attachments`: the attachment rows the import inserted. */
  afterRows(trx: Db, inserted: Inserted['attachments']): Promise<void>;
}

/**
 * Imports an export file (format.ts) in one transaction; any invalid line or broken reference is
 * a 400 naming the line, and then nothing is written. Imported events are history, not news:
 * they get seqs below every event already here (keeping their order), so the live feed, the
 * webhook worker and workflows, which all follow seq upwards, never see them as new.
 *
 * The transaction runs on a connection of its own, so the server's connection keeps answering
 * reads from the last commit meanwhile (it used to wait for the whole import: 3.8 s for one
 * file); its writes wait for the import (writeGate.ts), and the few writes made outside a
 * transaction are refused as busy rather than stall the event loop waiting for the lock.
 */
export async function importFile(db: Db, file: string, hooks?: ImportHooks): Promise<ImportResult> {
  const schemas = rowSchemas(await loadColumns(db));
  const { events } = await checkFile(file, schemas);
  const write = (trx: Db) => writeFile(trx, file, schemas, events, hooks);
  if (db.isTransaction) return write(db);
  return byDialect(db, { sqlite: sqliteImportTransaction, postgres: transact })(db, write);
}

/** SQLite: the import's transaction on a connection of its own (see importFile). */
async function sqliteImportTransaction<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  const path = await databaseFile(db);
  return writeGateOf(db).hold(async () => {
    await sql`pragma busy_timeout = 0`.execute(db);
    const own = openDatabase(path);
    try {
      return await inOneTransaction(own.db, work);
    } finally {
      await own.close();
      await sql.raw(`pragma busy_timeout = ${busyTimeoutMs}`).execute(db);
    }
  });
}

/** Pass 2, in the import's transaction: every row, then the search entries. */
async function writeFile(
  trx: Db,
  file: string,
  schemas: RowSchemas,
  events: number,
  hooks?: ImportHooks,
): Promise<ImportResult> {
  // A write first, so the transaction holds the write lock before it reads the marks below
  // (another process writing in between would otherwise fail the first insert as stale).
  // (PostgreSQL: the transaction took the write lock when it began.)
  await sql`delete from event_cursors where ${dialectOf(trx).never()}`.execute(trx);
  const { rows } = await sql<Marks>`select
    (select coalesce(max(seq), 0) from tickets) as tickets,
    (select coalesce(max(seq), 0) from conversations) as conversations,
    (select coalesce(min(seq), 1) from events) as "firstEvent"`.execute(trx);
  const found = rows[0] as Marks;
  const marks = { ...found, firstEvent: Math.min(found.firstEvent, 1) };
  const writer = new RowWriter(trx, marks.firstEvent - events, marks.conversations);
  let first = true;
  for await (const { text, line } of readLines(file)) {
    const parsed = parseLine(text, line, schemas, first);
    first = false;
    if (parsed.kind === 'row') await writer.write(parsed.table, parsed.row, line);
  }
  await writer.finish();
  await rebuildSearch(trx, marks, writer.inserted);
  await hooks?.afterRows(trx, writer.inserted.attachments);
  return writer.result;
}
