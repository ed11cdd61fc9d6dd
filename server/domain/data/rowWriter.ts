// Inserts validated export rows inside the import's transaction, many rows per statement. A
// batch that breaks a constraint is rolled back to its savepoint (PostgreSQL aborts the whole
// transaction on a failed statement otherwise) and replayed row by row to find the line to
// blame; the import's transaction is rolled back anyway, so what the replay wrote is never kept.
// Statements are built with Kysely's `sql`, so each engine gets its own placeholders.
import { type Kysely, type RawBuilder, sql } from 'kysely';
import { dialectOf } from '../../../db/dialect.ts';
import type { ConstraintKind } from '../../../db/dialects/types.ts';
import type { Database } from '../../../db/schema.ts';
import { type ExportTable, type Row, type Value, exportTables, lineError } from './format.ts';

type Db = Kysely<Database>;
export type Counts = Record<ExportTable, number>;

export interface ImportResult {
  /** Rows written (for sla_policies: inserted or changed). */
  imported: Counts;
  /** Rows already present, so left as they were (includes `merged`). */
  skipped: Counts;
  /** Of the skipped: rows whose id is new but whose natural key (email, name, slug) is taken. */
  merged: Counts;
}

/** What this import inserted that later work needs (search entries, attachment files). */
export interface Inserted {
  contacts: string[];
  attachments: { id: string; sha256: string }[];
  /** Tickets and conversations that got new messages (their search entries change). */
  grownTickets: Set<string>;
  grownConversations: Set<string>;
}

/**
 * A user, contact, tag, project or key whose id is new but whose unique natural key belongs to
 * an existing row is the same thing under another id (every data folder's first admin is
 * admin@localhost): the existing row is kept and later rows' references are pointed at it.
 */
const naturalKeys: Partial<Record<ExportTable, string>> = {
  users: 'email',
  contacts: 'email',
  tags: 'name',
  projects: 'slug',
  api_keys: 'key_hash',
};

/** Columns that hold the id of a row that may have been merged. */
const references: Partial<Record<ExportTable, readonly string[]>> = {
  api_keys: ['user_id'],
  tickets: ['contact_id', 'assigned_to', 'project_id'],
  conversations: ['contact_id', 'assigned_to'],
  messages: ['author_id'],
  attachments: ['uploaded_by'],
  ticket_tags: ['tag_id'],
  events: ['actor_id', 'actor_user_id', 'resource_id'],
  views: ['user_id'],
};

/** What the inserted rows of a table give back (RETURNING: only rows actually inserted). */
const returned: Partial<Record<ExportTable, readonly string[]>> = {
  contacts: ['id'],
  attachments: ['id', 'sha256'],
  messages: ['ticket_id', 'conversation_id'],
};

const constraintReasons: Record<ConstraintKind, string> = {
  foreign_key: 'refers to a record that is neither in the database nor earlier in the file',
  check: 'has a value the column does not allow',
  not_null: 'leaves a required column empty',
  unique: 'repeats a unique value of another record',
  primary_key: 'repeats the key of another record',
};

const zero = (): Counts => Object.fromEntries(exportTables.map((t) => [t, 0])) as Counts;
const maxBatchRows = 200;
const maxBatchParams = 30_000; // SQLite's default limit is 32,766 bound parameters

interface Pending {
  table: ExportTable;
  names: string[];
  rows: { values: Value[]; id: Value | undefined; natural: Value | undefined; line: number }[];
}

const list = (values: readonly Value[]) => sql.join(values.map((v) => sql`${v}`));
const columns = (names: readonly string[]) => sql.join(names.map((n) => sql.ref(n)));

export class RowWriter {
  readonly result: ImportResult = { imported: zero(), skipped: zero(), merged: zero() };
  readonly inserted: Inserted = { contacts: [], attachments: [], grownTickets: new Set(), grownConversations: new Set() };
  private readonly idMap = new Map<string, string>();
  private readonly links: { conversationId: string; ticketId: string; line: number }[] = [];
  private pending: Pending | null = null;

  constructor(
    private readonly trx: Db,
    /** Imported events take seqs below every existing one (see importFile). */
    private nextEventSeq: number,
    /** conversations.seq before the import: higher ones are the conversations it inserted. */
    private readonly conversationMark: number,
  ) {}

  /** Runs a statement; the rows it changed (for an insert with RETURNING: the rows it returned). */
  private async run(statement: RawBuilder<unknown>): Promise<{ changed: number; rows: Record<string, Value>[] }> {
    const result = await statement.execute(this.trx);
    const rows = result.rows as Record<string, Value>[];
    return { changed: result.numAffectedRows === undefined ? rows.length : Number(result.numAffectedRows), rows };
  }

  /** A constraint failure becomes a 400 naming the line (by the engine's code, never its text). */
  private asLineError(err: unknown, line: number, table: ExportTable): unknown {
    const kind = dialectOf(this.trx).constraintKind(err);
    return kind ? lineError(line, `this ${table} row ${constraintReasons[kind]}`) : err;
  }

  async write(table: ExportTable, row: Row, line: number): Promise<void> {
    // Merges are found when a batch is written: finish the previous table before remapping.
    if (this.pending && this.pending.table !== table) await this.flush();
    for (const column of references[table] ?? []) {
      const value = row[column];
      if (typeof value === 'string') row[column] = this.idMap.get(value) ?? value;
    }
    if (table === 'events') row.seq = this.nextEventSeq++;
    if (table === 'conversations' && typeof row.ticket_id === 'string' && typeof row.id === 'string') {
      // Its ticket comes later in the file: linked once the tickets are in.
      this.links.push({ conversationId: row.id, ticketId: row.ticket_id, line });
      row.ticket_id = null;
    }
    if (table === 'sla_policies' || table === 'webhook_attempts') {
      await this.flush();
      return this.writeOne(table, row, line);
    }
    const names = Object.keys(row);
    const p = this.pending;
    const fits = p && p.table === table && p.names.join() === names.join() &&
      p.rows.length < maxBatchRows && (p.rows.length + 1) * names.length <= maxBatchParams;
    if (!fits) await this.flush();
    const natural = naturalKeys[table];
    this.pending ??= { table, names, rows: [] };
    this.pending.rows.push({ values: names.map((n) => row[n] ?? null), id: row.id, natural: natural ? row[natural] : undefined, line });
  }

  private insertSql(table: ExportTable, names: readonly string[], rows: readonly Value[][]): RawBuilder<unknown> {
    const target = naturalKeys[table]
      ? sql``
      : table === 'ticket_tags'
        ? sql`(ticket_id, tag_id)`
        : table === 'message_attachments'
          ? sql`(message_id, attachment_id)`
          : sql`(id)`;
    const back = returned[table];
    return sql`insert into ${sql.table(table)} (${columns(names)}) values ${sql.join(rows.map((r) => sql`(${list(r)})`))}
      on conflict ${target} do nothing${back ? sql` returning ${columns(back)}` : sql``}`;
  }

  /** Writes the pending batch; then rows of merge tables that were not inserted are matched. */
  async flush(): Promise<void> {
    const batch = this.pending;
    if (!batch) return;
    this.pending = null;
    const { table, names, rows } = batch;
    if (table === 'tickets') await this.keepFreeNumbers(names, rows);
    let written: Awaited<ReturnType<RowWriter['run']>>;
    await sql`savepoint import_batch`.execute(this.trx);
    try {
      written = await this.run(this.insertSql(table, names, rows.map((r) => r.values)));
      await sql`release import_batch`.execute(this.trx);
    } catch (err) {
      await sql`rollback to import_batch`.execute(this.trx);
      for (const row of rows) {
        try {
          await this.run(this.insertSql(table, names, [row.values]));
        } catch (single) {
          throw this.asLineError(single, row.line, table);
        }
      }
      throw err;
    }
    const changed = written.changed;
    this.note(table, written.rows);
    this.result.imported[table] += changed;
    this.result.skipped[table] += rows.length - changed;
    const natural = naturalKeys[table];
    if (natural && changed < rows.length) await this.merge(table, natural, rows);
  }

  private note(table: ExportTable, rows: readonly Record<string, Value>[]): void {
    for (const row of rows) {
      if (table === 'contacts') this.inserted.contacts.push(String(row.id));
      if (table === 'attachments') this.inserted.attachments.push({ id: String(row.id), sha256: String(row.sha256) });
      if (table === 'messages' && typeof row.ticket_id === 'string') this.inserted.grownTickets.add(row.ticket_id);
      if (table === 'messages' && typeof row.conversation_id === 'string') this.inserted.grownConversations.add(row.conversation_id);
    }
  }

  /**
   * A ticket keeps its number when no other ticket has it; a ticket whose number is taken (or
   * that has none: an export from before numbers) gets the next free one, after every number
   * already used or kept in this batch.
   */
  private async keepFreeNumbers(names: readonly string[], rows: Pending['rows']): Promise<void> {
    const at = names.indexOf('number');
    const idAt = names.indexOf('id');
    if (at < 0) return;
    const numbers = rows.map((r) => r.values[at]).filter((n): n is number => typeof n === 'number');
    const { rows: taken } = numbers.length
      ? await sql<{ id: string; number: number }>`select id, number from tickets where number in (${list(numbers)})`.execute(this.trx)
      : { rows: [] };
    const owner = new Map(taken.map((t) => [t.number, t.id]));
    const { rows: top } = await sql<{ n: number | null }>`select max(number) as n from tickets`.execute(this.trx);
    let next = Math.max(top[0]?.n ?? 0, ...numbers) + 1;
    const kept = new Set<number>();
    for (const row of rows) {
      const n = row.values[at];
      const holder = typeof n === 'number' ? owner.get(n) : undefined;
      if (typeof n === 'number' && (holder === undefined || holder === row.values[idAt]) && !kept.has(n)) {
        kept.add(n);
      } else {
        row.values[at] = next++;
      }
    }
  }

  private async merge(table: ExportTable, natural: string, rows: Pending['rows']): Promise<void> {
    const ids = rows.map((r) => r.id ?? null);
    const { rows: present } = await sql<{ id: string }>`select id from ${sql.table(table)} where id in (${list(ids)})`.execute(this.trx);
    const found = new Set(present.map((r) => r.id));
    for (const row of rows) {
      if (typeof row.id !== 'string' || found.has(row.id)) continue;
      const { rows: same } = await sql<{ id: string }>`select id from ${sql.table(table)}
        where ${sql.ref(natural)} = ${row.natural ?? null}`.execute(this.trx);
      const existing = same[0];
      if (!existing) throw lineError(row.line, `this ${table} row conflicts with an existing record`);
      this.idMap.set(row.id, existing.id);
      this.result.merged[table]++;
    }
  }

  /** SLA policies take the imported values; webhook attempts are matched on (delivery, attempt). */
  private async writeOne(table: 'sla_policies' | 'webhook_attempts', row: Row, line: number): Promise<void> {
    const names = Object.keys(row);
    const values = names.map((n) => row[n] ?? null);
    let changed = 0;
    try {
      if (table === 'webhook_attempts') {
        // No unique key to conflict on: looked up first (the import holds the write lock).
        const { rows } = await sql`select 1 as found from webhook_attempts
          where delivery_id = ${row.delivery_id ?? null} and attempt = ${row.attempt ?? null}`.execute(this.trx);
        if (rows.length === 0) changed = (await this.run(sql`insert into webhook_attempts (${columns(names)}) values (${list(values)})`)).changed;
      } else {
        const others = names.filter((n) => n !== 'priority');
        const set = sql.join(others.map((c) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`));
        const differs = sql.join(others.map((c) => sql`sla_policies.${sql.ref(c)} is distinct from excluded.${sql.ref(c)}`), sql` or `);
        const action = others.length ? sql`update set ${set} where ${differs}` : sql`nothing`;
        changed = (await this.run(sql`insert into sla_policies (${columns(names)}) values (${list(values)})
          on conflict (priority) do ${action}`)).changed;
      }
    } catch (err) {
      throw this.asLineError(err, line, table);
    }
    this.result[changed > 0 ? 'imported' : 'skipped'][table]++;
  }

  /** Sets conversations.ticket_id on the conversations this import inserted. */
  async finish(): Promise<void> {
    await this.flush();
    for (const link of this.links) {
      try {
        await this.run(sql`update conversations set ticket_id = ${link.ticketId}
          where id = ${link.conversationId} and seq > ${this.conversationMark}`);
      } catch (err) {
        throw this.asLineError(err, link.line, 'conversations');
      }
    }
  }
}
