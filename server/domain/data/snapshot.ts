// One consistent, read-only view of the whole database for as long as an export takes, while the
// server keeps writing. Each engine has its own way to hold one without blocking writers:
// - SQLite: a read transaction on a separate read-only connection to the same file (WAL mode: it
//   sees the database as of its first read; the server's connection is never held);
// - PostgreSQL: a REPEATABLE READ, READ ONLY transaction on one pooled connection (it takes no
//   lock that writers wait for, and the write lock is never asked for).
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { byDialect } from '../../../db/dialect.ts';
import type { Database } from '../../../db/schema.ts';
import { databaseFile } from './databaseFile.ts';

type Db = Kysely<Database>;

export interface ReadSnapshot {
  /** Reads through it all see the same moment (it is not a transaction of the caller's). */
  db: Db;
  /** Ends the snapshot; safe to call more than once. */
  close(): Promise<void>;
}

/**
 * Opens a read-only connection to `file` and pins a snapshot: the read transaction starts at
 * the first SELECT, so everything read through it afterwards is from this moment.
 */
export function openSqliteSnapshot(file: string): BetterSqlite3.Database {
  const conn = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    conn.pragma('busy_timeout = 5000');
    conn.exec('begin');
    conn.prepare('select count(*) from sqlite_schema').get();
    return conn;
  } catch (err) {
    conn.close();
    throw err;
  }
}

async function sqliteSnapshot(db: Db): Promise<ReadSnapshot> {
  const conn = openSqliteSnapshot(await databaseFile(db));
  const snapshot = new Kysely<Database>({ dialect: new SqliteDialect({ database: conn }) });
  let closed = false;
  return {
    db: snapshot,
    async close() {
      if (closed) return;
      closed = true;
      await snapshot.destroy(); // closes the connection, and with it the read transaction
    },
  };
}

async function postgresSnapshot(db: Db): Promise<ReadSnapshot> {
  const trx = await db.startTransaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute();
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await trx.rollback().execute();
  };
  try {
    // The snapshot is taken at the transaction's first statement: now, not at the first page.
    await sql`select 1`.execute(trx);
  } catch (err) {
    await close().catch(() => undefined);
    throw err;
  }
  return { db: trx, close };
}

/** A snapshot of `db` taken now (see the top of this file). */
export function openReadSnapshot(db: Db): Promise<ReadSnapshot> {
  return byDialect(db, { sqlite: sqliteSnapshot, postgres: postgresSnapshot })(db);
}
