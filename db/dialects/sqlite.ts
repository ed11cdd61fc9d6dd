// SQLite's spelling of the things the engines spell differently (db/dialect.ts).
import { type SqlBool, sql } from 'kysely';
import type { ConstraintKind, SqlDialect, TableColumn } from './types.ts';

/** `$.a.b` for the keys a, b (keys are identifiers of ours, never user input). */
function jsonPath(path: readonly string[]): string {
  return `$.${path.join('.')}`;
}

const constraintCodes: Record<string, ConstraintKind> = {
  SQLITE_CONSTRAINT_FOREIGNKEY: 'foreign_key',
  SQLITE_CONSTRAINT_CHECK: 'check',
  SQLITE_CONSTRAINT_NOTNULL: 'not_null',
  SQLITE_CONSTRAINT_UNIQUE: 'unique',
  SQLITE_CONSTRAINT_PRIMARYKEY: 'primary_key',
};

function columnType(declared: string): TableColumn['type'] {
  const type = declared.toUpperCase();
  return type === 'INTEGER' ? 'INTEGER' : type === 'REAL' ? 'REAL' : 'TEXT';
}

export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  jsonArrayAgg: (value) => sql<string>`json_group_array(${value})`,
  jsonArrayValues: (json) => sql<never>`(select value from json_each(${json}))`,
  jsonEach: (json) => sql<never>`json_each(${json})`,
  jsonText: (json, path) => sql<string | null>`json_extract(${json}, ${jsonPath(path)})`,
  jsonIsString: (json, path) => sql<SqlBool>`json_type(${json}, ${jsonPath(path)}) = 'text'`,
  never: () => sql<SqlBool>`0`,
  likeIgnoringCase: (value, pattern) => sql<boolean>`${value} like ${pattern} escape '\\'`,
  msBetween: (from, to) => sql<number>`cast(round((julianday(${to}) - julianday(${from})) * 86400000) as integer)`,
  // One writer at a time is SQLite's own rule: BEGIN IMMEDIATE is not needed either, because
  // db/transact.ts runs every write transaction of this process on its one connection.
  beginWrite: () => Promise.resolve(),
  // table_xinfo (not table_info): generated columns are listed too, with hidden = 2 or 3.
  tableColumns: async (db, table) => {
    const { rows } = await sql<{ name: string; type: string; notnull: number; dflt_value: string | null; hidden: number }>`
      select name, type, "notnull", dflt_value, hidden from pragma_table_xinfo(${table})`.execute(db);
    return rows.map((c) => ({
      name: c.name,
      type: columnType(c.type),
      notNull: c.notnull === 1,
      hasDefault: c.dflt_value !== null,
      generated: c.hidden === 2 || c.hidden === 3,
    }));
  },
  // rowid is insertion order (and the index every table has); WITHOUT ROWID tables have none,
  // so their primary key it is.
  rowOrder: async (db, table) => {
    const { rows } = await sql<{ ddl: string | null }>`select sql as ddl from sqlite_schema where name = ${table}`.execute(db);
    if (!/without\s+rowid\s*$/i.test(rows[0]?.ddl ?? '')) return ['rowid'];
    const { rows: keys } = await sql<{ name: string }>`select name from pragma_table_info(${table}) where pk > 0 order by pk`.execute(db);
    return keys.map((k) => k.name);
  },
  constraintKind: (err) => {
    const code = (err as { code?: unknown } | null)?.code;
    if (!(err instanceof Error) || err.name !== 'SqliteError' || typeof code !== 'string') return null;
    return constraintCodes[code] ?? null;
  },
  joinedText: (value, separator, orderBy) => sql<string | null>`group_concat(${value}, ${separator} order by ${orderBy})`,
};
