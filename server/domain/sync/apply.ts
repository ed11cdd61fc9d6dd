// A replica writing what its host sent: rows upserted or deleted by key, exactly as the host has
// them, then the search entries of what changed. The replica is always a desktop's SQLite.
//
// Foreign keys are off while applying: a page of changes is in the order the host last changed
// each key, so a message may come before the new ticket it belongs to (the ticket changed again
// later and moved up the log). The host already checked every reference; when the last page is
// applied the rows agree again.
import { type RawBuilder, sql } from 'kysely';
import type { Db } from '../../../db/schema.ts';
import { writeGateOf } from '../../../db/writeGate.ts';
import { contactEntries, conversationEntries, ticketEntries } from '../data/searchEntries.ts';
import type { SyncChange } from './host.ts';
import { type SyncRow, type SyncTableName, type SyncValue, syncTable, syncTables } from './tables.ts';

/**
 * Runs `work` in one transaction with foreign keys off, while no request's transaction runs
 * (the write gate); requests that write meanwhile wait for it, reads go on.
 */
export async function withoutForeignKeys<T>(db: Db, work: (trx: Db) => Promise<T>): Promise<T> {
  return writeGateOf(db).hold(async () => {
    // Only outside a transaction does this pragma take effect.
    await sql`pragma foreign_keys = off`.execute(db);
    try {
      const trx = await db.startTransaction().execute();
      try {
        const result = await work(trx);
        await trx.commit().execute();
        return result;
      } catch (error) {
        if (!trx.isCommitted && !trx.isRolledBack) await trx.rollback().execute().catch(() => undefined);
        throw error;
      }
    } finally {
      await sql`pragma foreign_keys = on`.execute(db);
    }
  });
}

/** The unique column sets of a table other than its key (learnt once per table). */
const uniqueSets = new Map<string, string[][]>();

async function otherUniqueSets(trx: Db, table: SyncTableName): Promise<string[][]> {
  const known = uniqueSets.get(table);
  if (known) return known;
  const key: readonly string[] = syncTable(table)?.key ?? [];
  const { rows: indexes } = await sql<{ name: string; unique: number; partial: number }>`
    select name, "unique", partial from pragma_index_list(${table})`.execute(trx);
  const sets: string[][] = [];
  for (const index of indexes.filter((i) => i.unique === 1 && i.partial === 0)) {
    const { rows } = await sql<{ name: string | null }>`select name from pragma_index_info(${index.name})`.execute(trx);
    const cols = rows.map((r) => r.name).filter((n): n is string => n !== null);
    if (cols.length > 0 && cols.join() !== key.join()) sets.push(cols);
  }
  uniqueSets.set(table, sets);
  return sets;
}

function keyCondition(table: SyncTableName, key: readonly SyncValue[]): RawBuilder<unknown> {
  const cols: readonly string[] = syncTable(table)?.key ?? [];
  return sql.join(
    cols.map((c, i) => sql`${sql.ref(c)} is ${key[i] ?? null}`),
    sql` and `,
  );
}

/**
 * Inserts or replaces one row. A row of this replica's own that the host does not have yet (a
 * ticket made offline, numbered here) may hold a unique value the host gave another row: the
 * host's row wins, and the local one goes (its write is queued and comes back from the host).
 */
async function upsert(trx: Db, table: SyncTableName, key: readonly SyncValue[], row: SyncRow): Promise<void> {
  const cols = Object.keys(row);
  const keyCols: readonly string[] = syncTable(table)?.key ?? [];
  const update = cols.filter((c) => !keyCols.includes(c));
  const statement = sql`insert into ${sql.table(table)} (${sql.join(cols.map((c) => sql.ref(c)))})
    values (${sql.join(cols.map((c) => row[c] ?? null))})
    on conflict (${sql.join(keyCols.map((c) => sql.ref(c)))}) do ${
      update.length ? sql`update set ${sql.join(update.map((c) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`))}` : sql`nothing`
    }`;
  try {
    await statement.execute(trx);
  } catch (err) {
    if ((err as { code?: string }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw err;
    for (const set of await otherUniqueSets(trx, table)) {
      if (set.some((c) => !(c in row))) continue;
      await sql`delete from ${sql.table(table)}
        where ${sql.join(set.map((c) => sql`${sql.ref(c)} = ${row[c] ?? null}`), sql` and `)}
        and not (${keyCondition(table, key)})`.execute(trx);
    }
    await statement.execute(trx);
  }
}

/** What changed, for the search entries to rebuild. */
class Touched {
  tickets = new Set<string>();
  conversations = new Set<string>();
  contacts = new Set<string>();

  note(table: SyncTableName, key: readonly SyncValue[], row: SyncRow | null): void {
    const id = String(key[0]);
    if (table === 'tickets') this.tickets.add(id);
    else if (table === 'conversations') this.conversations.add(id);
    else if (table === 'contacts') this.contacts.add(id);
    else if (table === 'messages' && row) {
      if (typeof row.ticket_id === 'string') this.tickets.add(row.ticket_id);
      if (typeof row.conversation_id === 'string') this.conversations.add(row.conversation_id);
    }
  }
}

const chunk = 400;

function* chunksOf<T>(items: readonly T[]): Generator<T[]> {
  for (let i = 0; i < items.length; i += chunk) yield items.slice(i, i + chunk);
}

/** Drops the search entries of these rows (before the rows change, while their seq is known). */
async function dropEntries(trx: Db, touched: Touched): Promise<void> {
  for (const ids of chunksOf([...touched.tickets])) {
    await sql`delete from ticket_fts where rowid in (select seq from tickets where id in (${sql.join(ids)}))`.execute(trx);
  }
  for (const ids of chunksOf([...touched.conversations])) {
    await sql`delete from conversation_fts where rowid in (select seq from conversations where id in (${sql.join(ids)}))`.execute(trx);
  }
  for (const ids of chunksOf([...touched.contacts])) {
    await sql`delete from contact_fts where contact_id in (${sql.join(ids)})`.execute(trx);
  }
}

async function addEntries(trx: Db, touched: Touched): Promise<void> {
  for (const ids of chunksOf([...touched.tickets])) await ticketEntries(trx, sql`t.id in (${sql.join(ids)})`).execute(trx);
  for (const ids of chunksOf([...touched.conversations])) {
    await conversationEntries(trx, sql`c.id in (${sql.join(ids)})`).execute(trx);
  }
  for (const ids of chunksOf([...touched.contacts])) await contactEntries(sql`id in (${sql.join(ids)})`).execute(trx);
}

const tableOrder = new Map<string, number>(syncTables.map((t, i) => [t.name, i]));

/**
 * Writes the host's rows (`row` null: deleted), parents before children, in the caller's
 * transaction (withoutForeignKeys), and rebuilds the search entries they affect. Keys in `skip`
 * (`table|keyJson`: rows a queued write of this replica changed) are left as the replica has
 * them: the host's answer to that write re-reads them.
 */
export async function applyChanges(trx: Db, changes: readonly SyncChange[], skip: ReadonlySet<string> = new Set()): Promise<number> {
  const kept = changes.filter((c) => !skip.has(`${c.table}|${JSON.stringify(c.key)}`));
  const touched = new Touched();
  // The rows as they are here first (a message moving tickets), then as the host has them.
  for (const c of kept) {
    if (c.table === 'messages') {
      const here = await trx.selectFrom('messages').select(['ticket_id', 'conversation_id']).where('id', '=', String(c.key[0])).executeTakeFirst();
      if (here) touched.note('messages', c.key, here);
    }
    touched.note(c.table, c.key, c.row);
  }
  await dropEntries(trx, touched);
  const order = (c: SyncChange) => tableOrder.get(c.table) ?? 0;
  const deletions = kept.filter((c) => c.row === null).sort((a, b) => order(b) - order(a));
  for (const c of deletions) await sql`delete from ${sql.table(c.table)} where ${keyCondition(c.table, c.key)}`.execute(trx);
  const writes = kept.filter((c) => c.row !== null).sort((a, b) => order(a) - order(b));
  for (const c of writes) await upsert(trx, c.table, c.key, c.row as SyncRow);
  await addEntries(trx, touched);
  // The replica's own log is only scratch for its queued writes (replicaWrites.ts).
  await trx.deleteFrom('sync_changes').execute();
  return kept.length;
}

/** Empties every replicated table and the search indexes: before loading a fresh snapshot. */
export async function clearReplicatedData(trx: Db): Promise<void> {
  for (const t of [...syncTables].reverse()) await trx.deleteFrom(t.name).execute();
  await sql`delete from ticket_fts`.execute(trx);
  await sql`delete from conversation_fts`.execute(trx);
  await sql`delete from contact_fts`.execute(trx);
  await trx.deleteFrom('sync_changes').execute();
}

/** Inserts a snapshot's page of rows (the tables are empty: plain inserts, no search entries). */
export async function insertRows(trx: Db, table: SyncTableName, rows: readonly SyncRow[]): Promise<void> {
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0] as SyncRow);
  const perStatement = Math.max(1, Math.floor(900 / Math.max(1, cols.length)));
  for (let i = 0; i < rows.length; i += perStatement) {
    const part = rows.slice(i, i + perStatement);
    await sql`insert into ${sql.table(table)} (${sql.join(cols.map((c) => sql.ref(c)))}) values ${sql.join(
      part.map((r) => sql`(${sql.join(cols.map((c) => r[c] ?? null))})`),
    )}`.execute(trx);
  }
}

/** Every search entry, from the rows: after a snapshot is loaded. */
export async function rebuildAllEntries(trx: Db): Promise<void> {
  await ticketEntries(trx, sql`1 = 1`).execute(trx);
  await conversationEntries(trx, sql`1 = 1`).execute(trx);
  await contactEntries(sql`1 = 1`).execute(trx);
}
