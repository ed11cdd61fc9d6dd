// `localdesk migrate --from DIR --to postgres://…`: an install's SQLite database copied into an
// empty PostgreSQL database, as it is: ids, seqs (so the event feed's order and every cursor
// stay valid), ticket numbers, secrets' hashes, search entries, attachments' bytes. Read from one snapshot of the
// file (a server may keep running on it; what it writes later is not copied), written in one
// transaction (a failed copy leaves the target empty, so it can simply be run again), and
// checked afterwards table by table.
import type BetterSqlite3 from 'better-sqlite3';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../../../db/schema.ts';
import { AppError } from '../../core/errors.ts';
import type { AttachmentStore } from '../attachments/attachments.store.ts';
import { type FilesCopy, checkAttachmentFiles, copyAttachmentFiles } from './migrateAttachments.ts';

type Db = Kysely<Database>;

export interface TableCopy {
  table: string;
  rows: number;
}

export interface MigrateResult {
  tables: TableCopy[];
  rows: number;
  /** The attachment files moved into the database, when a file store was given. */
  files: FilesCopy | null;
  ms: number;
}

/** Tables that belong to one engine or are rebuilt on the other side, never copied. */
const notCopied = new Set([
  'kysely_migration',
  'kysely_migration_lock',
  // SQLite's FTS5 rowid-order flag; PostgreSQL has no such index order (migration 2026112406).
  'ticket_order',
  // Kept by triggers from the tickets themselves; recounted after the copy.
  'ticket_counts',
  // The current minute's request counts: nothing worth carrying over.
  'rate_limits',
  // Team sync's change log starts afresh on the new database (its replicas notice that their
  // position is beyond it and copy it anew); the rest is a replica's own bookkeeping.
  'sync_changes',
  'sync_outbox',
  'sync_reconcile',
  'sync_id_map',
  'sync_state',
]);

/** The triggers that keep team sync's change log (migration 2026120671), table by table. */
async function changeLogTriggers(trx: Kysely<Database>): Promise<{ table: string; name: string }[]> {
  const { rows } = await sql<{ table: string; name: string }>`select c.relname::text as "table", t.tgname::text as name
    from pg_trigger t join pg_class c on c.oid = t.tgrelid join pg_namespace n on n.oid = c.relnamespace
    where not t.tgisinternal and t.tgname like 'sync\_%' and n.nspname = current_schema()`.execute(trx);
  return rows;
}

/** Rows per INSERT: one array parameter per column (unnest), so the statement stays small. */
const batchRows = 5_000;

export interface PgColumn {
  name: string;
  /** The element type for the unnest() array: text, int4, int8, float8, bool... */
  udt: string;
}

interface CopyPlan {
  table: string;
  columns: PgColumn[];
  /** Nullable foreign-key columns written after every table is in (they close a cycle). */
  deferred: string[];
  /** Source query (SQLite). */
  select: string;
}

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Columns of each target table that are written (generated ones are computed by PostgreSQL). */
export async function targetColumns(db: Db): Promise<Map<string, PgColumn[]>> {
  const { rows } = await sql<{ table_name: string; column_name: string; udt_name: string }>`
    select table_name, column_name, udt_name from information_schema.columns
    where table_schema = current_schema() and is_generated = 'NEVER'
    order by table_name, ordinal_position`.execute(db);
  const out = new Map<string, PgColumn[]>();
  for (const row of rows) {
    const list = out.get(row.table_name) ?? [];
    list.push({ name: row.column_name, udt: row.udt_name });
    out.set(row.table_name, list);
  }
  return out;
}

interface ForeignKey {
  table: string;
  references: string;
  columns: string[];
  nullable: boolean;
}

export async function foreignKeys(db: Db): Promise<ForeignKey[]> {
  const { rows } = await sql<{ child: string; parent: string; columns: string[]; nullable: boolean }>`
    select c.conrelid::regclass::text as child, c.confrelid::regclass::text as parent,
      array_agg(a.attname::text order by a.attnum) as columns, bool_and(not a.attnotnull) as nullable
    from pg_constraint c join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any(c.conkey)
    where c.contype = 'f' and c.connamespace = current_schema()::regnamespace
    group by c.oid, c.conrelid, c.confrelid`.execute(db);
  return rows.map((r) => ({ table: r.child, references: r.parent, columns: r.columns, nullable: r.nullable }));
}

/**
 * Parents before children. A cycle (tickets ↔ conversations) is broken at a nullable foreign
 * key: that column is copied as null and set once both tables are in.
 */
export function copyOrder(tables: string[], keys: ForeignKey[]): { order: string[]; deferred: Map<string, string[]> } {
  const pending = new Set(tables);
  let edges = keys.filter((k) => pending.has(k.table) && pending.has(k.references) && k.table !== k.references);
  const deferred = new Map<string, string[]>();
  const order: string[] = [];
  while (pending.size > 0) {
    const ready = [...pending].filter((t) => !edges.some((e) => e.table === t && pending.has(e.references)));
    if (ready.length > 0) {
      for (const t of ready.sort()) {
        order.push(t);
        pending.delete(t);
      }
      continue;
    }
    // Only cycles left: defer one nullable key that closes a cycle, then try again.
    const reaches = (from: string, to: string, seen = new Set<string>()): boolean =>
      edges.some((e) => e.table === from && pending.has(e.references) && !seen.has(e.references) &&
        (e.references === to || (seen.add(e.references) && reaches(e.references, to, seen))));
    const breakable = edges
      .filter((e) => pending.has(e.table) && pending.has(e.references) && e.nullable && reaches(e.references, e.table))
      .sort((x, y) => `${x.table}.${x.columns.join()}`.localeCompare(`${y.table}.${y.columns.join()}`));
    const edge = breakable[0];
    if (!edge) throw new Error(`migrate: a cycle of required foreign keys among ${[...pending].join(', ')}`);
    deferred.set(edge.table, [...(deferred.get(edge.table) ?? []), ...edge.columns]);
    edges = edges.filter((e) => e !== edge);
  }
  return { order, deferred };
}

function sqliteTables(source: BetterSqlite3.Database): Set<string> {
  const rows = source
    .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'")
    .all() as { name: string }[];
  return new Set(rows.map((r) => r.name));
}

function sqliteColumnNames(source: BetterSqlite3.Database, table: string): Set<string> {
  const rows = source.prepare(`select name from pragma_table_xinfo(${quote(table).replaceAll('"', "'")})`).all() as { name: string }[];
  return new Set(rows.map((r) => r.name));
}

/** How the source reads a table: its columns that the target stores, in insertion order. */
function plan(source: BetterSqlite3.Database, table: string, target: PgColumn[], deferred: string[]): CopyPlan {
  const have = sqliteColumnNames(source, table);
  // contact_fts is keyed by an implicit rowid on SQLite and by contact_id here.
  const columns = target.filter((c) => have.has(c.name) || (c.name === 'rowid' && table.endsWith('_fts')));
  const missing = target.filter((c) => !columns.includes(c));
  if (missing.length > 0) {
    throw new Error(`migrate: ${table} lacks ${missing.map((c) => c.name).join(', ')} in the source: is it migrated?`);
  }
  const list = columns.map((c) => quote(c.name)).join(', ');
  // Insertion order where the table has one (a rowid); WITHOUT ROWID tables have no such order.
  const { ddl } = source.prepare('select sql as ddl from sqlite_master where name = ?').get(table) as { ddl: string };
  const order = /without\s+rowid\s*$/i.test(ddl) ? '' : ' order by rowid';
  return { table, columns, deferred, select: `select ${list} from ${quote(table)}${order}` };
}

async function assertEmpty(db: Db, tables: readonly string[]): Promise<void> {
  // Migrations seed these; everything else must be empty.
  const seeded = new Set(['sla_policies', 'event_cursors', 'ticket_counts']);
  for (const table of tables) {
    if (seeded.has(table)) continue;
    const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db);
    if ((rows[0]?.n ?? 0) > 0) {
      throw new AppError('CONFLICT', `the target database already holds data (table ${table}): migrate into an empty database`);
    }
  }
}

async function insertBatch(trx: Db, p: CopyPlan, batch: Record<string, unknown>[]): Promise<void> {
  const arrays = p.columns.map((c) =>
    batch.map((row) => (p.deferred.includes(c.name) ? null : (row[c.name] ?? null))),
  );
  const casts = p.columns.map((c, i) => sql`${arrays[i]}::${sql.raw(c.udt)}[]`);
  await sql`insert into ${sql.table(p.table)} (${sql.join(p.columns.map((c) => sql.ref(c.name)))})
    select * from unnest(${sql.join(casts)})`.execute(trx);
}

async function setDeferred(trx: Db, source: BetterSqlite3.Database, p: CopyPlan): Promise<void> {
  if (p.deferred.length === 0) return;
  const keys = ['id', ...p.deferred];
  const rows = source
    .prepare(`select ${keys.map(quote).join(', ')} from ${quote(p.table)} where ${p.deferred.map((c) => `${quote(c)} is not null`).join(' or ')}`)
    .all() as Record<string, unknown>[];
  for (let i = 0; i < rows.length; i += batchRows) {
    const batch = rows.slice(i, i + batchRows);
    for (const column of p.deferred) {
      await sql`update ${sql.table(p.table)} t set ${sql.ref(column)} = v.value
        from unnest(${batch.map((r) => r.id)}::text[], ${batch.map((r) => r[column] ?? null)}::text[]) as v (id, value)
        where t.id = v.id`.execute(trx);
    }
  }
}

/** Identity columns continue after the copied values (a new ticket gets the next seq). */
export async function resetIdentities(trx: Db, tables: readonly string[]): Promise<void> {
  const { rows } = await sql<{ table_name: string; column_name: string }>`select table_name, column_name
    from information_schema.columns where table_schema = current_schema() and is_identity = 'YES'`.execute(trx);
  for (const { table_name: table, column_name: column } of rows) {
    if (!tables.includes(table)) continue;
    await sql`select setval(pg_get_serial_sequence(${table}, ${column}),
      coalesce((select max(${sql.ref(column)}) from ${sql.table(table)}), 0) + 1, false)`.execute(trx);
  }
}

async function countTarget(db: Db, table: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db);
  return rows[0]?.n ?? 0;
}

/**
 * Copies `source` (a read snapshot of an up-to-date SQLite database) into `target` (an empty,
 * migrated PostgreSQL database), then compares every table's row count and the ticket counts
 * per status. Throws when anything differs; the copy has then already been committed, and the
 * message says what to look at.
 */
export async function copyToPostgres(
  source: BetterSqlite3.Database,
  target: Db,
  onTable: (copy: TableCopy) => void = () => undefined,
  /** The install's attachment files (its data folder's store): copied into attachment_chunks. */
  files?: AttachmentStore,
): Promise<MigrateResult> {
  const started = performance.now();
  const columns = await targetColumns(target);
  const present = sqliteTables(source);
  const tables = [...columns.keys()].filter((t) => !notCopied.has(t) && present.has(t));
  const absent = [...columns.keys()].filter((t) => !notCopied.has(t) && !present.has(t));
  if (absent.length > 0) throw new Error(`migrate: the source has no ${absent.join(', ')}: is it migrated?`);
  await assertEmpty(target, tables);
  const { order, deferred } = copyOrder(tables, await foreignKeys(target));
  const plans = order.map((t) => plan(source, t, columns.get(t) ?? [], deferred.get(t) ?? []));

  const copied: TableCopy[] = [];
  let filesCopied: FilesCopy | null = null;
  await target.transaction().execute(async (trx) => {
    await sql`select ld_write_lock()`.execute(trx);
    // What the migrations seeded is replaced by the source's own rows.
    await sql`delete from sla_policies`.execute(trx);
    await sql`delete from event_cursors`.execute(trx);
    // One count update per ticket would be 100,000 updates of four rows: recount at the end.
    await sql`alter table tickets disable trigger ticket_counts_insert`.execute(trx);
    // Nor a change-log entry per copied row: the log starts empty once the copy is in.
    const syncTriggers = await changeLogTriggers(trx);
    for (const t of syncTriggers) await sql`alter table ${sql.table(t.table)} disable trigger ${sql.id(t.name)}`.execute(trx);
    for (const p of plans) {
      let rows = 0;
      let batch: Record<string, unknown>[] = [];
      for (const row of source.prepare(p.select).iterate() as Iterable<Record<string, unknown>>) {
        batch.push(row);
        if (batch.length >= batchRows) {
          await insertBatch(trx, p, batch);
          rows += batch.length;
          batch = [];
        }
      }
      if (batch.length > 0) await insertBatch(trx, p, batch);
      rows += batch.length;
      const copy = { table: p.table, rows };
      copied.push(copy);
      onTable(copy);
    }
    for (const p of plans) await setDeferred(trx, source, p);
    await sql`alter table tickets enable trigger ticket_counts_insert`.execute(trx);
    for (const t of syncTriggers) await sql`alter table ${sql.table(t.table)} enable trigger ${sql.id(t.name)}`.execute(trx);
    await sql`delete from sync_changes`.execute(trx);
    await sql`update ticket_counts c set n = (select count(*) from tickets t where t.status = c.status)`.execute(trx);
    await resetIdentities(trx, order);
    if (files) filesCopied = await copyAttachmentFiles(trx, source, files);
  });

  // Check: the same number of rows in every table, and the kept counts agree with the tickets.
  const differences: string[] = [];
  for (const { table } of copied) {
    // Empty on SQLite (its files are in the folder): checked against the files just below.
    if (table === 'attachment_chunks') continue;
    const want = (source.prepare(`select count(*) as n from ${quote(table)}`).get() as { n: number }).n;
    const got = await countTarget(target, table);
    if (want !== got) differences.push(`${table}: ${want} in the source, ${got} copied`);
  }
  const { rows: counts } = await sql<{ status: string; kept: number; actual: number }>`select c.status, c.n as kept,
    (select count(*) from tickets t where t.status = c.status) as actual from ticket_counts c`.execute(target);
  for (const c of counts) if (c.kept !== c.actual) differences.push(`ticket_counts.${c.status}: ${c.kept} kept, ${c.actual} tickets`);
  if (filesCopied) differences.push(...(await checkAttachmentFiles(target, filesCopied)));
  if (differences.length > 0) throw new Error(`migrate: the copy differs from the source: ${differences.join('; ')}`);
  // Planner statistics for the tables just filled: without them the first queries are planned
  // as if the tables were empty (measured: the ticket list at a tenth of its speed until
  // autovacuum came by). VACUUM is left to autovacuum; it has no effect on the answers.
  await sql`analyze`.execute(target);
  return { tables: copied, rows: copied.reduce((n, c) => n + c.rows, 0), files: filesCopied, ms: performance.now() - started };
}
