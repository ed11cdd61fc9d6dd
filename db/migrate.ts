// Bringing a database up to this version's schema, on either engine: the migrations of its
// engine (same version names on both), after a check that the database was not already
// migrated by a newer LocalDesk, whose schema this version would misread or damage.
import { type Kysely, Migrator, sql } from 'kysely';
import { byDialect } from './dialect.ts';
import { migrationProvider as postgresMigrations } from './migrations/postgres/index.ts';
import { migrationProvider as sqliteMigrations } from './migrations/index.ts';
import type { Database } from './schema.ts';

/** The database holds migrations this version does not have: it belongs to a newer LocalDesk. */
export class NewerSchemaError extends Error {
  constructor(readonly unknown: readonly string[]) {
    super(
      `the database was migrated by a newer LocalDesk: it has migration${unknown.length > 1 ? 's' : ''} ` +
        `${unknown.join(', ')}, which this version does not know. Run the newer version against it ` +
        '(or restore a backup made before the upgrade); this one refuses to start rather than misread it.',
    );
    this.name = 'NewerSchemaError';
  }
}

/**
 * Versions are named when the work starts and land in the order the work is finished, so a
 * database may have run a later-named migration before an earlier-named one existed (an upgrade
 * from a build between two landings). Each migration keeps to its own tables and columns, so the
 * missing ones are applied in name order after the others instead of the start being refused.
 */
const allowUnorderedMigrations = true;

function providerFor(db: Kysely<Database>) {
  return byDialect(db, { sqlite: sqliteMigrations, postgres: postgresMigrations });
}

/** Names of the migrations recorded as applied (none on an empty database). */
export async function appliedMigrations(db: Kysely<Database>): Promise<string[]> {
  const exists = byDialect(db, {
    sqlite: sql<{ found: number }>`select count(*) as found from sqlite_master
      where type = 'table' and name = 'kysely_migration'`,
    postgres: sql<{ found: number }>`select count(*) as found from pg_tables
      where tablename = 'kysely_migration' and schemaname = current_schema()`,
  });
  const { rows } = await exists.execute(db);
  if (!rows[0]?.found) return [];
  const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
  return applied.rows.map((row) => row.name);
}

/** The migrations this version knows for the engine of `db`, oldest first. */
export async function knownMigrations(db: Kysely<Database>): Promise<string[]> {
  return Object.keys(await providerFor(db).getMigrations()).sort();
}

/** The names of the migrations not yet applied to this database. */
export async function pendingMigrations(db: Kysely<Database>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: providerFor(db), allowUnorderedMigrations });
  return (await migrator.getMigrations()).filter((m) => !m.executedAt).map((m) => m.name);
}

/** Throws NewerSchemaError when the database has a migration this version does not know. */
export async function checkSchemaVersion(db: Kysely<Database>): Promise<void> {
  const known = new Set(await knownMigrations(db));
  const unknown = (await appliedMigrations(db)).filter((name) => !known.has(name));
  if (unknown.length > 0) throw new NewerSchemaError(unknown);
}

/**
 * Applies every pending migration; running it again on an up-to-date database does nothing.
 * Several nodes starting together on one PostgreSQL are safe: Kysely's migrator holds an
 * advisory lock while it runs, so one applies and the others find nothing left to do.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  await checkSchemaVersion(db);
  const migrator = new Migrator({ db, provider: providerFor(db), allowUnorderedMigrations });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    const name = failed ? ` (${failed.migrationName})` : '';
    throw new Error(`database migration failed${name}: ${String(error)}`, { cause: error });
  }
}

/**
 * PostgreSQL: builds this version's whole schema inside `schema` (a scratch copy of the database:
 * import dry runs), its migration table there too. `db` must have `schema` first on its search
 * path. (Without migrationTableSchema, the migrator would find the live schema's table and
 * conclude there is nothing to do.)
 */
export async function migrateSchema(db: Kysely<Database>, schema: string): Promise<void> {
  const migrator = new Migrator({ db, provider: postgresMigrations, migrationTableSchema: schema });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) throw new Error(`migrating ${schema} failed: ${String(error)}`, { cause: error });
}
