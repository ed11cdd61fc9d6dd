// Inserts validated export rows inside the import's transaction, many rows per statement
// (the statement is prepared once per batch instead of once per row). A batch that breaks a
// constraint is replayed row by row to find the line to blame; the transaction is rolled back
// anyway, so what the replay wrote is never kept.
import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import { type ExportTable, type Row, type Value, exportTables, lineError, quoteIdent } from './format.ts';

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

const constraintReasons: Record<string, string> = {
  SQLITE_CONSTRAINT_FOREIGNKEY: 'refers to a record that is neither in the database nor earlier in the file',
  SQLITE_CONSTRAINT_CHECK: 'has a value the column does not allow',
  SQLITE_CONSTRAINT_NOTNULL: 'leaves a required column empty',
  SQLITE_CONSTRAINT_UNIQUE: 'repeats a unique value of another record',
  SQLITE_CONSTRAINT_PRIMARYKEY: 'repeats the key of another record',
};

/** A constraint failure becomes a 400 naming the line (by SQLite's code, never its text). */
function asLineError(err: unknown, line: number, table: ExportTable): unknown {
  const code = (err as { code?: unknown } | null)?.code;
  if (!(err instanceof Error) || err.name !== 'SqliteError' || typeof code !== 'string') return err;
  if (!code.startsWith('SQLITE_CONSTRAINT')) return err;
  return lineError(line, `this ${table} row ${constraintReasons[code] ?? 'breaks a database constraint'}`);
}

const zero = (): Counts => Object.fromEntries(exportTables.map((t) => [t, 0])) as Counts;
const maxBatchRows = 200;
const maxBatchParams = 30_000; // SQLite's default limit is 32,766 bound parameters

interface Pending {
  table: ExportTable;
  names: string[];
  rows: { values: Value[]; id: Value | undefined; natural: Value | undefined; line: number }[];
}

export class RowWriter {
  readonly result: ImportResult = { imported: zero(), skipped: zero(), merged: zero() };
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

  private async run(text: string, values: readonly Value[]): Promise<number> {
    const result = await this.trx.executeQuery(CompiledQuery.raw(text, [...values]));
    return Number(result.numAffectedRows ?? 0n);
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

  private insertSql(table: ExportTable, names: readonly string[], count: number): string {
    const tuple = `(${names.map(() => '?').join(', ')})`;
    const target = naturalKeys[table]
      ? ''
      : table === 'ticket_tags'
        ? '(ticket_id, tag_id)'
        : table === 'message_attachments'
          ? '(message_id, attachment_id)'
          : '(id)';
    return `insert into ${quoteIdent(table)} (${names.map(quoteIdent).join(', ')}) values ${
      Array.from({ length: count }, () => tuple).join(', ')
    } on conflict ${target} do nothing`;
  }

  /** Writes the pending batch; then rows of merge tables that were not inserted are matched. */
  async flush(): Promise<void> {
    const batch = this.pending;
    if (!batch) return;
    this.pending = null;
    const { table, names, rows } = batch;
    if (table === 'tickets') await this.keepFreeNumbers(names, rows);
    let changed: number;
    try {
      changed = await this.run(this.insertSql(table, names, rows.length), rows.flatMap((r) => r.values));
    } catch (err) {
      for (const row of rows) {
        try {
          await this.run(this.insertSql(table, names, 1), row.values);
        } catch (single) {
          throw asLineError(single, row.line, table);
        }
      }
      throw err;
    }
    this.result.imported[table] += changed;
    this.result.skipped[table] += rows.length - changed;
    const natural = naturalKeys[table];
    if (natural && changed < rows.length) await this.merge(table, natural, rows);
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
      ? await this.trx.executeQuery<{ id: string; number: number }>(
          CompiledQuery.raw(`select id, number from tickets where number in (${numbers.map(() => '?').join(', ')})`, numbers),
        )
      : { rows: [] };
    const owner = new Map(taken.map((t) => [t.number, t.id]));
    const { rows: top } = await this.trx.executeQuery<{ n: number | null }>(CompiledQuery.raw('select max(number) n from tickets'));
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
    const t = quoteIdent(table);
    const ids = rows.map((r) => r.id ?? null);
    const { rows: present } = await this.trx.executeQuery<{ id: string }>(
      CompiledQuery.raw(`select id from ${t} where id in (${ids.map(() => '?').join(', ')})`, ids),
    );
    const found = new Set(present.map((r) => r.id));
    for (const row of rows) {
      if (typeof row.id !== 'string' || found.has(row.id)) continue;
      const { rows: same } = await this.trx.executeQuery<{ id: string }>(
        CompiledQuery.raw(`select id from ${t} where ${quoteIdent(natural)} = ?`, [row.natural ?? null]),
      );
      const existing = same[0];
      if (!existing) throw lineError(row.line, `this ${table} row conflicts with an existing record`);
      this.idMap.set(row.id, existing.id);
      this.result.merged[table]++;
    }
  }

  /** SLA policies take the imported values; webhook attempts are matched on (delivery, attempt). */
  private async writeOne(table: 'sla_policies' | 'webhook_attempts', row: Row, line: number): Promise<void> {
    const names = Object.keys(row);
    const cols = names.map(quoteIdent).join(', ');
    const marks = names.map(() => '?').join(', ');
    const values = names.map((n) => row[n] ?? null);
    let text: string;
    if (table === 'webhook_attempts') {
      text = `insert into webhook_attempts (${cols}) select ${marks} where not exists
        (select 1 from webhook_attempts where delivery_id = ? and attempt = ?)`;
      values.push(row.delivery_id ?? null, row.attempt ?? null);
    } else {
      const others = names.filter((n) => n !== 'priority').map(quoteIdent);
      const set = others.map((c) => `${c} = excluded.${c}`).join(', ');
      const differs = others.map((c) => `${c} is not excluded.${c}`).join(' or ');
      text = `insert into sla_policies (${cols}) values (${marks}) on conflict (priority) do ${
        others.length ? `update set ${set} where ${differs}` : 'nothing'
      }`;
    }
    let changed: number;
    try {
      changed = await this.run(text, values);
    } catch (err) {
      throw asLineError(err, line, table);
    }
    this.result[changed > 0 ? 'imported' : 'skipped'][table]++;
  }

  /** Sets conversations.ticket_id on the conversations this import inserted. */
  async finish(): Promise<void> {
    await this.flush();
    for (const link of this.links) {
      try {
        await this.run('update conversations set ticket_id = ? where id = ? and seq > ?', [
          link.ticketId,
          link.conversationId,
          this.conversationMark,
        ]);
      } catch (err) {
        throw asLineError(err, link.line, 'conversations');
      }
    }
  }
}
