// What the two engines spell differently, as one interface (implemented by sqlite.ts and
// postgres.ts, chosen by db/dialect.ts).
import type { Expression, RawBuilder, SqlBool } from 'kysely';
import type { Db } from '../schema.ts';

export type DialectName = 'sqlite' | 'postgres';

/** A stored column of a table, as the engine's own catalog describes it (export and import). */
export interface TableColumn {
  name: string;
  /** The value kind the column holds: integers, floating point, or text (everything else). */
  type: 'TEXT' | 'INTEGER' | 'REAL';
  notNull: boolean;
  /** The database fills it in when an insert leaves it out (a default or an identity). */
  hasDefault: boolean;
  /** Computed by the database: never written, never exported. */
  generated: boolean;
}

/** Which kind of constraint a failed statement broke; null when the error is not one. */
export type ConstraintKind = 'foreign_key' | 'check' | 'not_null' | 'unique' | 'primary_key';

export interface SqlDialect {
  readonly name: DialectName;
  /** A JSON array (as text, `[]` for no rows) of `value` over the rows of the enclosing query. */
  jsonArrayAgg(value: Expression<unknown>): RawBuilder<string>;
  /**
   * The elements of a JSON array given as one parameter (a string), as a subquery usable after
   * `in`: one parameter serves lists of every length, so a prepared statement is compiled once.
   */
  jsonArrayValues(json: unknown, type: 'text' | 'integer'): RawBuilder<never>;
  /**
   * The elements of a JSON array parameter as a table source (use with an alias) whose `value`
   * column is each element as JSON, so `alias.value ->> 'key'` reads a field on both engines.
   */
  jsonEach(json: unknown): RawBuilder<never>;
  /** The value at `path` (object keys) in a JSON text column, as text; null when absent. */
  jsonText(json: Expression<unknown>, path: readonly string[]): RawBuilder<string | null>;
  /** Whether the value at `path` in a JSON text column is a string. */
  jsonIsString(json: Expression<unknown>, path: readonly string[]): RawBuilder<SqlBool>;
  /** A condition no row meets (SQLite has no boolean type; PostgreSQL wants one). */
  never(): RawBuilder<SqlBool>;
  /** `value LIKE pattern ESCAPE '\'`, ignoring the case of ASCII letters (as SQLite's LIKE does). */
  likeIgnoringCase(value: Expression<unknown>, pattern: string): RawBuilder<boolean>;
  /** Whole milliseconds from one ISO-8601 timestamp (text) to another. */
  msBetween(from: Expression<unknown>, to: Expression<unknown>): RawBuilder<number>;
  /**
   * Called first in every write transaction (db/transact.ts). PostgreSQL: takes the cluster-wide
   * write lock, so writes serialize as they do on SQLite and events get their seq in commit
   * order (see the postgres dialect). SQLite has one writer already: nothing to do.
   */
  beginWrite(trx: Db): Promise<void>;
  /** The columns of `table` in their declared order, generated ones included (flagged). */
  tableColumns(db: Db, table: string): Promise<TableColumn[]>;
  /**
   * A unique key that reads `table` in insertion order where the engine keeps one (SQLite's
   * rowid; PostgreSQL's primary key, an identity seq where the table has one), for reading a
   * table page by page (`(key) > (last key)`). The names are usable in a select list.
   */
  rowOrder(db: Db, table: string): Promise<string[]>;
  /** The constraint a statement's error reports (by the engine's error code, never its text). */
  constraintKind(err: unknown): ConstraintKind | null;
  /** `string_agg`: the values of the enclosing group joined by `separator` in `orderBy` order. */
  joinedText(value: Expression<unknown>, separator: string, orderBy: RawBuilder<unknown>): RawBuilder<string | null>;
}

/** A database or transaction of any schema (migrations see `Kysely<unknown>`). */
export interface AnyDb {
  getExecutor(): { readonly adapter: object };
}

