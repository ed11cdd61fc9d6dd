// A replica's bookkeeping in its own database: its position in the host's change log, the writes
// waiting for the host (the outbox), the rows to re-read once a write has landed, and the ids the
// host gave to what this replica created.
import { sql } from 'kysely';
import type { Db, SyncOutboxRow } from '../../../db/schema.ts';
import { nowIso, type Clock } from '../../core/clock.ts';
import { notFound } from '../../core/errors.ts';
import type { KeyRef } from './host.ts';
import type { SyncTableName, SyncValue } from './tables.ts';

export async function readState(db: Db, name: string): Promise<string | null> {
  const row = await db.selectFrom('sync_state').select('value').where('name', '=', name).executeTakeFirst();
  return row?.value ?? null;
}

export async function writeState(db: Db, name: string, value: string): Promise<void> {
  await db
    .insertInto('sync_state')
    .values({ name, value })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value }))
    .execute();
}

/** This replica's position in the host's change log (0: no snapshot yet). */
export async function replicaCursor(db: Db): Promise<number> {
  return Number((await readState(db, 'cursor')) ?? 0);
}

/** The newest seq of this database's own change log: what a write changes comes after it. */
export async function changeMark(db: Db): Promise<number> {
  const row = await db.selectFrom('sync_changes').select((eb) => eb.fn.max('seq').as('top')).executeTakeFirst();
  return Number(row?.top ?? 0);
}

export interface QueuedWrite {
  id: string;
  method: string;
  path: string;
  body: string | null;
  expect: string | null;
  localId: string | null;
  userId: string | null;
}

/**
 * Queues a write made here, in the transaction that made it: the rows it changed (this
 * database's log after `mark`) are remembered, so the host's version of them replaces ours once
 * the write has landed. Returns false (and queues nothing) when the write changed nothing here.
 */
export async function queueWrite(trx: Db, clock: Clock, write: QueuedWrite, mark: number): Promise<boolean> {
  const changed = await trx.selectFrom('sync_changes').select(['tbl', 'pk']).where('seq', '>', mark).execute();
  // Nothing changed here (a repeated request answered from its Idempotency-Key record, a change
  // to the value a field already has): nothing for the host either.
  if (changed.length === 0) return false;
  await trx.deleteFrom('sync_changes').where('seq', '>', mark).execute();
  await trx
    .insertInto('sync_outbox')
    .values({
      id: write.id,
      method: write.method,
      path: write.path,
      body: write.body,
      expect: write.expect,
      local_id: write.localId,
      touched: JSON.stringify(changed.map((c) => [c.tbl, c.pk])),
      state: 'pending',
      status: null,
      message: null,
      user_id: write.userId,
      created_at: nowIso(clock),
    })
    .execute();
  return true;
}

export function pendingWrites(db: Db, limit = 100): Promise<SyncOutboxRow[]> {
  return db.selectFrom('sync_outbox').selectAll().where('state', '=', 'pending').orderBy('seq').limit(limit).execute();
}

export async function countPending(db: Db): Promise<number> {
  const row = await db
    .selectFrom('sync_outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('state', '=', 'pending')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export function refusedWrites(db: Db): Promise<SyncOutboxRow[]> {
  return db.selectFrom('sync_outbox').selectAll().where('state', '=', 'refused').orderBy('seq').execute();
}

/** Forgets a refused write once its person has seen it (a pending one is not theirs to drop). */
export async function dismissRefused(db: Db, id: string): Promise<void> {
  const done = await db.deleteFrom('sync_outbox').where('id', '=', id).where('state', '=', 'refused').executeTakeFirst();
  if (Number(done.numDeletedRows) === 0) throw notFound('refused change', id);
}

/** `table|keyJson` of every row a still-pending write changed: a pull leaves those alone. */
export async function keysOfPending(db: Db): Promise<Set<string>> {
  const rows = await db.selectFrom('sync_outbox').select('touched').where('state', '=', 'pending').execute();
  const out = new Set<string>();
  for (const r of rows) for (const [tbl, pk] of JSON.parse(r.touched) as [string, string][]) out.add(`${tbl}|${canonicalKey(pk)}`);
  return out;
}

/** One spelling of a key's JSON (the host's and ours may space it differently). */
export function canonicalKey(pk: string): string {
  return JSON.stringify(JSON.parse(pk));
}

/**
 * The write has been answered by the host (landed or refused): its rows are to be re-read, the
 * id the host gave what it created is noted, and it leaves the queue (or stays, refused).
 */
export async function settleWrite(
  trx: Db,
  write: SyncOutboxRow,
  outcome: { refused: { status: number; message: string } | null; hostId: string | null },
): Promise<void> {
  const touched = JSON.parse(write.touched) as [string, string][];
  for (const [tbl, pk] of touched) {
    await trx
      .insertInto('sync_reconcile')
      .values({ tbl, pk: canonicalKey(pk) })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  if (write.local_id && outcome.hostId && outcome.hostId !== write.local_id) {
    await trx
      .insertInto('sync_id_map')
      .values({ local_id: write.local_id, host_id: outcome.hostId })
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  if (outcome.refused) {
    await trx
      .updateTable('sync_outbox')
      .set({ state: 'refused', status: outcome.refused.status, message: outcome.refused.message })
      .where('id', '=', write.id)
      .execute();
  } else {
    await trx.deleteFrom('sync_outbox').where('id', '=', write.id).execute();
  }
}

export async function reconcileKeys(db: Db, limit = 500): Promise<KeyRef[]> {
  const rows = await db.selectFrom('sync_reconcile').selectAll().limit(limit).execute();
  return rows.map((r) => ({ table: r.tbl as SyncTableName, key: JSON.parse(r.pk) as SyncValue[] }));
}

export async function dropReconciled(trx: Db, keys: readonly KeyRef[]): Promise<void> {
  for (const k of keys) {
    await trx.deleteFrom('sync_reconcile').where('tbl', '=', k.table).where('pk', '=', JSON.stringify(k.key)).execute();
  }
}

/** Host ids for the local ids in a text (a path or a body): ids are unique strings, so a plain replace. */
export async function withHostIds(db: Db, text: string): Promise<string> {
  const ids = text.match(/\b[a-z]{2,5}_[0-9A-Za-z]{10,40}\b/g);
  if (!ids) return text;
  const rows = await db.selectFrom('sync_id_map').selectAll().where('local_id', 'in', [...new Set(ids)]).execute();
  let out = text;
  for (const r of rows) out = out.replaceAll(r.local_id, r.host_id);
  return out;
}

export async function resetReplicaLog(trx: Db): Promise<void> {
  await trx.deleteFrom('sync_reconcile').execute();
  await sql`delete from sync_changes`.execute(trx);
}
