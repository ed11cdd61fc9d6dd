// PostgreSQL's spelling of the things the engines spell differently (db/dialect.ts).
import { type SqlBool, sql } from 'kysely';
import type { ConstraintKind, SqlDialect, TableColumn } from './types.ts';

/** SQLSTATE class 23 codes (integrity constraint violations) by the constraint they name. */
const constraintCodes: Record<string, ConstraintKind> = {
  '23503': 'foreign_key',
  '23514': 'check',
  '23502': 'not_null',
  '23505': 'unique',
};

function columnType(dataType: string): TableColumn['type'] {
  if (dataType === 'integer' || dataType === 'bigint' || dataType === 'smallint') return 'INTEGER';
  if (dataType === 'double precision' || dataType === 'real' || dataType === 'numeric') return 'REAL';
  return 'TEXT';
}

export const postgresDialect: SqlDialect = {
  name: 'postgres',
  // json_agg gives null over no rows, and the driver would parse a json value: text it is, like
  // SQLite's json_group_array, so presenters parse the same string on both engines.
  jsonArrayAgg: (value) => sql<string>`coalesce(json_agg(${value})::text, '[]')`,
  jsonArrayValues: (json, type) =>
    type === 'integer'
      ? sql<never>`(select value::bigint from jsonb_array_elements_text(${json}::jsonb) as value)`
      : sql<never>`(select value from jsonb_array_elements_text(${json}::jsonb) as value)`,
  jsonEach: (json) => sql<never>`jsonb_array_elements(${json}::jsonb)`,
  // Text columns use the "C" collation (binary, as SQLite compares), under which ILIKE folds
  // ASCII letters only: the same matches as SQLite's LIKE.
  // JSON is stored as text on both engines (the same strings go in and come out).
  jsonText: (json, path) => sql<string | null>`(${json}::jsonb #>> ${path})`,
  jsonIsString: (json, path) => sql<SqlBool>`(jsonb_typeof(${json}::jsonb #> ${path}) = 'string')`,
  never: () => sql<SqlBool>`false`,
  likeIgnoringCase: (value, pattern) => sql<boolean>`${value} ilike ${pattern} escape '\\'`,
  msBetween: (from, to) =>
    sql<number>`round(extract(epoch from (${to}::timestamptz - ${from}::timestamptz)) * 1000)::bigint`,
  /**
   * Every write transaction takes one transaction-scoped advisory lock first (ld_write_lock(),
   * migration 2026112403), held until it commits or rolls back. Writes from all nodes therefore
   * run one at a time, as on SQLite, which is what keeps these promises without auditing every
   * read-then-write in the services for races:
   * - event seqs are gap-free in commit order: an event's seq is max(seq) + 1 taken under the
   *   lock, and the next writer gets the lock only after this commit is visible, so a reader of
   *   `seq > cursor` can never see seq 11 while seq 10 is still to come;
   * - checks and the writes they guard (If-Match, idempotency keys, last-admin rules, unique
   *   names, ticket numbers) see every earlier commit and no concurrent one.
   * Taken at the start rather than before the first write: a transaction that took row locks
   * before waiting for this one could deadlock with one holding it. Reads never take it.
   */
  beginWrite: async (trx) => {
    await sql`select ld_write_lock()`.execute(trx);
  },
  // The schema on the search path: a scratch schema (import dry runs) lists its own tables.
  tableColumns: async (db, table) => {
    const { rows } = await sql<{
      column_name: string;
      data_type: string;
      is_nullable: string;
      column_default: string | null;
      is_identity: string;
      is_generated: string;
    }>`select column_name, data_type, is_nullable, column_default, is_identity, is_generated
      from information_schema.columns where table_schema = current_schema() and table_name = ${table}
      order by ordinal_position`.execute(db);
    return rows.map((c) => ({
      name: c.column_name,
      type: columnType(c.data_type),
      notNull: c.is_nullable === 'NO',
      hasDefault: c.column_default !== null || c.is_identity === 'YES',
      generated: c.is_generated === 'ALWAYS',
    }));
  },
  // No rowid: the primary key, which is the identity seq (insertion order) where a table has one.
  rowOrder: async (db, table) => {
    const { rows } = await sql<{ name: string }>`select a.attname::text as name
      from pg_index i join pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
      where i.indrelid = to_regclass(quote_ident(${table})) and i.indisprimary
      order by array_position(i.indkey::int2[], a.attnum)`.execute(db);
    return rows.map((r) => r.name);
  },
  constraintKind: (err) => {
    const e = err as { code?: unknown; constraint?: unknown } | null;
    if (!(err instanceof Error) || typeof e?.code !== 'string') return null;
    const kind = constraintCodes[e.code] ?? null;
    return kind === 'unique' && typeof e.constraint === 'string' && e.constraint.endsWith('_pkey') ? 'primary_key' : kind;
  },
  joinedText: (value, separator, orderBy) => sql<string | null>`string_agg(${value}, ${separator} order by ${orderBy})`,
};
