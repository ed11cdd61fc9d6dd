// A dry run on PostgreSQL: the same idea as on SQLite (dryRun.ts), a real run against a throwaway
// copy, with the copy made as a scratch SCHEMA in the same database: this version's migrations
// build the schema there (its own tables, triggers and functions), the live rows are copied in
// from one snapshot, the job's batches run on a pool whose search path puts the scratch schema
// first, and the schema is dropped afterwards. Its report is the real run's by construction.
//
// Why a scratch schema, of the options:
// - one transaction holding the whole dry run, rolled back at the end: every write transaction
//   takes the cluster-wide write lock (db/dialects/postgres.ts), so it would stall every node's
//   writes for the whole run; without the lock its uncommitted events (seq = max + 1) would make
//   every other writer wait on the same key anyway;
// - batches rolled back one by one: batch 2 would not see batch 1 (a ticket whose contact came
//   earlier), so the report would not be the real run's;
// - CREATE DATABASE … TEMPLATE: needs no other session on the live database, never true here.
// The cost: a copy of the rows (the same as SQLite's copy of the file), attachment bytes
// excepted (a dry run downloads and reads none), and the CREATE privilege on the database. Each
// batch takes the write lock for its own short transaction, as a real run's batches do.
import { type Kysely, sql } from 'kysely';
import { postgresHandleOf } from '../../../db/postgres.ts';
import { migrateSchema } from '../../../db/migrate.ts';
import type { Database, Db } from '../../../db/schema.ts';
import { AppError } from '../../core/errors.ts';
import { copyOrder, foreignKeys, resetIdentities, targetColumns } from '../data/migrate.ts';

const prefix = 'ld_dry_run_';

/** Never copied: the migrations' own bookkeeping, recounted or local rows, attachment bytes. */
// Besides bookkeeping and file bytes: what an import never reads, and secrets that need no copy
// (sign-in state, mail kept aside with its raw bytes).
const notCopied = new Set([
  'kysely_migration',
  'kysely_migration_lock',
  'ticket_counts',
  'rate_limits',
  'attachment_chunks',
  'user_passwords',
  'sessions',
  'login_failures',
  'invitations',
  'mail_quarantine',
  // Team sync: the scratch copy's own log is filled by its triggers; pairing is no import's business.
  'sync_changes',
  'sync_outbox',
  'sync_reconcile',
  'sync_id_map',
  'sync_state',
  'pairing_codes',
]);

/** The scratch schema of a job (ids are ULID-based: case carries no meaning). */
export function dryRunSchema(jobId: string): string {
  return `${prefix}${jobId.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
}

/** Drops scratch schemas left by dry runs that no longer run (a node stopped mid-run). */
async function dropStale(db: Db): Promise<void> {
  const { rows } = await sql<{ name: string }>`select nspname::text as name from pg_namespace
    where nspname like ${`${prefix}%`}`.execute(db);
  if (rows.length === 0) return;
  const running = await db.selectFrom('imports').select('id').where('status', '=', 'running').where('dry_run', '=', 1).execute();
  const live = new Set(running.map((r) => dryRunSchema(r.id)));
  for (const { name } of rows) if (!live.has(name)) await sql`drop schema if exists ${sql.id(name)} cascade`.execute(db);
}

/** Copies every live table into the scratch schema (first on `copy`'s search path). */
async function copyLiveRows(copy: Kysely<Database>, live: string): Promise<void> {
  const columns = await targetColumns(copy);
  const tables = [...columns.keys()].filter((t) => !notCopied.has(t));
  const { order, deferred } = copyOrder(tables, await foreignKeys(copy));
  // One snapshot of the live rows; the scratch schema is nobody else's, so no write lock.
  await copy.transaction().setIsolationLevel('repeatable read').execute(async (trx) => {
    // Its events are no news for the live nodes listening on the channel.
    await sql`drop trigger events_notify on events`.execute(trx);
    await sql`delete from sla_policies`.execute(trx);
    await sql`delete from event_cursors`.execute(trx);
    await sql`alter table tickets disable trigger ticket_counts_insert`.execute(trx);
    for (const table of order) {
      const names = (columns.get(table) ?? []).map((c) => c.name);
      const later = deferred.get(table) ?? [];
      const values = names.map((n) => (later.includes(n) ? sql`null` : sql.ref(n)));
      await sql`insert into ${sql.table(table)} (${sql.join(names.map((n) => sql.ref(n)))})
        select ${sql.join(values)} from ${sql.table(`${live}.${table}`)}`.execute(trx);
    }
    for (const [table, names] of deferred) {
      for (const name of names) {
        await sql`update ${sql.table(table)} t set ${sql.ref(name)} = s.${sql.ref(name)}
          from ${sql.table(`${live}.${table}`)} s where t.id = s.id and s.${sql.ref(name)} is not null`.execute(trx);
      }
    }
    await sql`alter table tickets enable trigger ticket_counts_insert`.execute(trx);
    await sql`update ticket_counts c set n = (select count(*) from tickets t where t.status = c.status)`.execute(trx);
    await resetIdentities(trx, order);
  });
}

/** The scratch copy for a job's dry run (dryRun.ts's DryRunCopy). */
export async function openPostgresDryRunCopy(db: Db, jobId: string): Promise<{ db: Db; discard(): Promise<void> }> {
  const handle = postgresHandleOf(db);
  if (!handle) throw new Error('openPostgresDryRunCopy: not the database of a PostgreSQL pool');
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  const live = rows[0]?.schema ?? 'public';
  const scratch = dryRunSchema(jobId);
  const drop = () => sql`drop schema if exists ${sql.id(scratch)} cascade`.execute(db);
  await dropStale(db);
  try {
    await sql`create schema ${sql.id(scratch)}`.execute(db);
  } catch (err) {
    if ((err as { code?: unknown }).code !== '42501') throw err;
    throw new AppError('UNAVAILABLE', 'a dry run on PostgreSQL copies the database into a scratch schema: grant LocalDesk’s role CREATE on the database', {
      reason: 'permission',
    });
  }
  // The live schema stays on the path for what lives there only (the unaccent extension).
  const copy = handle.sibling({ poolSize: 2, searchPath: [scratch, live] });
  try {
    await migrateSchema(copy.db, scratch);
    await copyLiveRows(copy.db, live);
  } catch (err) {
    await copy.close();
    await drop();
    throw err;
  }
  return {
    db: copy.db,
    async discard() {
      await copy.close();
      await drop();
    },
  };
}
