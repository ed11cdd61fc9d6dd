// The PostgreSQL schema is the SQLite one, migration for migration: same version names, same
// tables and columns once migrated. And neither engine runs on a database a newer LocalDesk has
// migrated.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase } from '../../db/connection.ts';
import { NewerSchemaError } from '../../db/migrate.ts';
import { migrations as sqliteMigrations } from '../../db/migrations/index.ts';
import { migrations as postgresMigrations } from '../../db/migrations/postgres/index.ts';
import { type PostgresHandle, openPostgres } from '../../db/postgres.ts';
import { createTestDatabase, dropTestDatabase } from '../helpers/testDatabase.ts';

let dir: string;
let sqlite: ReturnType<typeof openDatabase>;
let url: string;
let postgres: PostgresHandle;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'localdesk-schema-'));
  sqlite = openDatabase(join(dir, 'localdesk.db'));
  await migrateToLatest(sqlite.db);
  url = await createTestDatabase();
  postgres = openPostgres(url, { poolSize: 2 });
  await migrateToLatest(postgres.db);
});

afterAll(async () => {
  await sqlite?.close();
  await postgres?.close();
  if (url) await dropTestDatabase(url);
  rmSync(dir, { recursive: true, force: true });
});

/** Search tables are FTS5 on SQLite and plain tables with a tsvector on PostgreSQL. */
const searchTables = new Set(['ticket_fts', 'conversation_fts', 'contact_fts']);

function sqliteColumns(): Record<string, string[]> {
  const tables = sqlite.sqlite
    .prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '%fts%'")
    .all() as { name: string }[];
  const out: Record<string, string[]> = {};
  for (const { name } of tables) {
    const columns = sqlite.sqlite.prepare(`select name from pragma_table_xinfo('${name}')`).all() as { name: string }[];
    out[name] = columns.map((c) => c.name).sort();
  }
  return out;
}

async function postgresColumns(): Promise<Record<string, string[]>> {
  const { rows } = await sql<{ table_name: string; column_name: string }>`select table_name, column_name
    from information_schema.columns where table_schema = current_schema()`.execute(postgres.db);
  const out: Record<string, string[]> = {};
  for (const row of rows) {
    if (searchTables.has(row.table_name)) continue;
    (out[row.table_name] ??= []).push(row.column_name);
  }
  for (const columns of Object.values(out)) columns.sort();
  return out;
}

describe('the PostgreSQL schema', () => {
  it('has a twin for every SQLite migration, under the same name', () => {
    expect(Object.keys(postgresMigrations)).toEqual(Object.keys(sqliteMigrations));
  });

  it('has the same tables and columns as SQLite once migrated', async () => {
    const onSqlite = sqliteColumns();
    const onPostgres = await postgresColumns();
    // ticket_order only steers SQLite's FTS5 reads (migration 2026112406 is a no-op here).
    delete onSqlite.ticket_order;
    expect(onPostgres).toEqual(onSqlite);
  });

  it('records the same migrations on both engines', async () => {
    const names = async (db: typeof sqlite.db) =>
      (await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db)).rows.map((r) => r.name);
    expect(await names(postgres.db)).toEqual(await names(sqlite.db));
  });

  it('changes nothing when migrated again', async () => {
    const before = await postgresColumns();
    await migrateToLatest(postgres.db);
    expect(await postgresColumns()).toEqual(before);
  });
});

describe('a database migrated by a newer LocalDesk', () => {
  it('is refused on either engine, naming the unknown migration', async () => {
    for (const db of [sqlite.db, postgres.db]) {
      await sql`insert into kysely_migration (name, timestamp) values ('2099010100_from_the_future', '2099-01-01T00:00:00.000Z')`.execute(db);
      try {
        const error = await migrateToLatest(db).then(() => null, (err: unknown) => err);
        expect(error).toBeInstanceOf(NewerSchemaError);
        expect((error as Error).message).toMatch(/migrated by a newer LocalDesk.*2099010100_from_the_future/);
      } finally {
        await sql`delete from kysely_migration where name = '2099010100_from_the_future'`.execute(db);
      }
    }
  });
});
