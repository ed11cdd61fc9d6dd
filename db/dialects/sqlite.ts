// SQLite's spelling of the things the engines spell differently (db/dialect.ts).
import { type SqlBool, sql } from 'kysely';

/** `$.a.b` for the keys a, b (keys are identifiers of ours, never user input). */
function jsonPath(path: readonly string[]): string {
  return `$.${path.join('.')}`;
}
import type { SqlDialect } from './types.ts';

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
};
