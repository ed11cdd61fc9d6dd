// Import: an export file back into the database, all or nothing, idempotent by id. The file is
// read twice: once to validate every line (nothing is written if any line is wrong), then inside
// one transaction to insert. Rows already present (same id, or same natural key for the tables
// below) are left as they are; the search index is rebuilt for what changed.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import { transact } from '../../../db/transact.ts';
import {
  type Column,
  type ColumnInfo,
  type ExportTable,
  type RowSchemas,
  exportTables,
  exportedColumns,
  lineError,
  parseLine,
  rowSchemas,
  tableInfoPragma,
} from './format.ts';
import { type ImportResult, RowWriter } from './rowWriter.ts';

type Db = Kysely<Database>;

export type { ImportResult } from './rowWriter.ts';

async function loadColumns(db: Db): Promise<Record<ExportTable, Column[]>> {
  const entries = await Promise.all(
    exportTables.map(async (table) => {
      const { rows } = await sql<ColumnInfo>`pragma ${sql.raw(tableInfoPragma(table))}`.execute(db);
      return [table, exportedColumns(table, rows)] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<ExportTable, Column[]>;
}

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

/** Pass 1: every line valid, header first, end line last with the right count. */
async function checkFile(file: string, schemas: RowSchemas): Promise<{ events: number }> {
  let header = false;
  let rows = 0;
  let events = 0;
  let end: { rows: number; line: number } | null = null;
  let last = 0;
  for await (const { text, line } of readLines(file)) {
    last = line;
    if (end) throw lineError(line, 'nothing may follow the end line');
    const parsed = parseLine(text, line, schemas, !header);
    header = true;
    if (parsed.kind === 'row') {
      rows++;
      if (parsed.table === 'events') events++;
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

interface Marks {
  attachments: number;
  tickets: number;
  conversations: number;
  contacts: number;
  messages: number;
  firstEvent: number;
}

/** Search entries for new tickets, conversations and contacts, and for threads that grew. */
async function rebuildSearch(trx: Db, m: Marks): Promise<void> {
  const grownTickets = sql`select ticket_id from messages where rowid > ${m.messages} and ticket_id is not null`;
  const grownConversations = sql`select conversation_id from messages
    where rowid > ${m.messages} and conversation_id is not null`;
  await sql`delete from ticket_fts where rowid in
    (select seq from tickets where seq <= ${m.tickets} and id in (${grownTickets}))`.execute(trx);
  // A ticket's entry holds every message but the first when that one is the description.
  await sql`insert into ticket_fts (rowid, subject, description, messages)
    select t.seq, t.subject, t.description, coalesce((
      select group_concat(x.body, char(10) order by x.created_at, x.id) from messages x
      where x.ticket_id = t.id and not (x.body = t.description and x.id = (
        select f.id from messages f where f.ticket_id = t.id order by f.created_at, f.id limit 1))), '')
    from tickets t where t.seq > ${m.tickets} or t.id in (${grownTickets})`.execute(trx);
  await sql`delete from conversation_fts where rowid in
    (select seq from conversations where seq <= ${m.conversations} and id in (${grownConversations}))`.execute(trx);
  await sql`insert into conversation_fts (rowid, subject, messages)
    select c.seq, c.subject, coalesce((select group_concat(x.body, char(10) order by x.created_at, x.id)
      from messages x where x.conversation_id = c.id), '')
    from conversations c where c.seq > ${m.conversations} or c.id in (${grownConversations})`.execute(trx);
  await sql`insert into contact_fts (contact_id, name, email, company)
    select id, coalesce(name, ''), email, coalesce(company, '') from contacts where rowid > ${m.contacts}`.execute(trx);
}

/** Work that must commit with the imported rows (attachment files given their final names). */
export interface ImportHooks {
  /** After every row is written; `attachmentsMark`: attachments rowids above it are new. */
  afterRows(trx: Db, marks: { attachments: number }): Promise<void>;
}

/**
 * Imports an export file (format.ts) in one transaction; any invalid line or broken reference is
 * a 400 naming the line, and then nothing is written. Imported events are history, not news:
 * they get seqs below every event already here (keeping their order), so the live feed, the
 * webhook worker and workflows, which all follow seq upwards, never see them as new.
 */
export async function importFile(db: Db, file: string, hooks?: ImportHooks): Promise<ImportResult> {
  const schemas = rowSchemas(await loadColumns(db));
  const { events } = await checkFile(file, schemas);
  return transact(db, async (trx) => {
    // A write first, so the transaction holds the write lock before it reads the marks below
    // (another process writing in between would otherwise fail the first insert as stale).
    await sql`delete from event_cursors where 0`.execute(trx);
    const { rows } = await sql<Marks>`select
      (select coalesce(max(rowid), 0) from attachments) as attachments,
      (select coalesce(max(seq), 0) from tickets) as tickets,
      (select coalesce(max(seq), 0) from conversations) as conversations,
      (select coalesce(max(rowid), 0) from contacts) as contacts,
      (select coalesce(max(rowid), 0) from messages) as messages,
      (select min(coalesce(min(seq), 1), 1) from events) as firstEvent`.execute(trx);
    const marks = rows[0] as Marks;
    const writer = new RowWriter(trx, marks.firstEvent - events, marks.conversations);
    let first = true;
    for await (const { text, line } of readLines(file)) {
      const parsed = parseLine(text, line, schemas, first);
      first = false;
      if (parsed.kind === 'row') await writer.write(parsed.table, parsed.row, line);
    }
    await writer.finish();
    await rebuildSearch(trx, marks);
    await hooks?.afterRows(trx, { attachments: marks.attachments });
    return writer.result;
  });
}
