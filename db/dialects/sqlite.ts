// SQLite's spelling of the things the engines spell differently (db/dialect.ts).
import { sql } from 'kysely';
import type { SqlDialect } from './types.ts';

export const sqliteDialect: SqlDialect = {
  name: 'sqlite',
  jsonArrayAgg: (value) => sql<string>`json_group_array(${value})`,
  jsonArrayValues: (json) => sql<never>`(select value from json_each(${json}))`,
  jsonEach: (json) => sql<never>`json_each(${json})`,
  likeIgnoringCase: (value, pattern) => sql<boolean>`${value} like ${pattern} escape '\\'`,
  msBetween: (from, to) => sql<number>`cast(round((julianday(${to}) - julianday(${from})) * 86400000) as integer)`,
  // One writer at a time is SQLite's own rule: BEGIN IMMEDIATE is not needed either, because
  // db/transact.ts runs every write transaction of this process on its one connection.
  beginWrite: () => Promise.resolve(),
};
