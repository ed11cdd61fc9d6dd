// Faults put into a test server's database underneath it, on either engine: a trigger that
// makes inserts fail, a database that goes away. For the paths that must roll back or report.
import { type Kysely, sql } from 'kysely';
import { dialectName } from '../../db/dialect.ts';
import type { Database } from '../../db/schema.ts';

export interface FailingInserts {
  /** A plain identifier, also the trigger's name. */
  name: string;
  table: string;
  /** Only rows whose column has this value fail (all rows when absent). */
  when?: { column: string; equals: string };
  message?: string;
}

/** Makes matching inserts into `table` fail until the returned undo() runs. */
export async function failInserts(db: Kysely<Database>, fault: FailingInserts): Promise<() => Promise<void>> {
  const { name, table, when, message = 'injected failure' } = fault;
  if (!/^\w+$/.test(name) || !/^\w+$/.test(table) || (when && !/^\w+$/.test(when.column))) {
    throw new Error('failInserts: use plain identifiers');
  }
  const literal = (value: string) => sql.lit(value);
  if (dialectName(db) === 'sqlite') {
    const condition = when ? sql`when new.${sql.raw(when.column)} = ${literal(when.equals)}` : sql``;
    await sql`create trigger ${sql.raw(name)} before insert on ${sql.raw(table)} ${condition}
      begin select raise(abort, ${literal(message)}); end`.execute(db);
    return async () => {
      await sql`drop trigger ${sql.raw(name)}`.execute(db);
    };
  }
  await sql`create function ${sql.raw(name)}() returns trigger language plpgsql as
    ${literal(`begin raise exception '${message.replaceAll("'", "''")}'; end`)}`.execute(db);
  const condition = when ? sql`when (new.${sql.raw(when.column)} = ${literal(when.equals)})` : sql``;
  await sql`create trigger ${sql.raw(name)} before insert on ${sql.raw(table)} for each row ${condition}
    execute function ${sql.raw(name)}()`.execute(db);
  return async () => {
    await sql`drop trigger ${sql.raw(name)} on ${sql.raw(table)}`.execute(db);
    await sql`drop function ${sql.raw(name)}()`.execute(db);
  };
}
