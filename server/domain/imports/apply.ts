// Applies a batch of records in one transaction: each record in a savepoint of its own, so a
// record that is refused (what the API would refuse, or a constraint it breaks) rolls back alone
// and is counted with its reason, while the others commit together with the cursor after them.
import { sql } from 'kysely';
import type { Db, ImportSourceName } from '../../../db/schema.ts';
import type { Clock } from '../../core/clock.ts';
import type { Actor } from '../context.ts';
import type { SourceItem } from './sources/types.ts';
import { Refused, Tally } from './tally.ts';
import { applyContact } from './write.contacts.ts';
import { applyTicket } from './write.tickets.ts';
import { applyUser } from './write.users.ts';

const kindOf = { user: 'users', contact: 'contacts', ticket: 'tickets' } as const;

/** Why SQLite refused a row, by its result code (never its message text). */
const constraintReasons: Record<string, string> = {
  SQLITE_CONSTRAINT_UNIQUE: 'repeats a unique value of another record',
  SQLITE_CONSTRAINT_PRIMARYKEY: 'repeats the id of another record',
  SQLITE_CONSTRAINT_CHECK: 'has a value the database does not allow',
  SQLITE_CONSTRAINT_NOTNULL: 'leaves a required value empty',
  SQLITE_CONSTRAINT_FOREIGNKEY: 'refers to a record that is not here',
};

function refusalOf(err: unknown, item: SourceItem): Refused | null {
  if (err instanceof Refused) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (err instanceof Error && err.name === 'SqliteError' && typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT')) {
    return new Refused(kindOf[item.kind], item.item.externalId, constraintReasons[code] ?? 'breaks a database constraint');
  }
  return null;
}

export interface BatchScope {
  /** The batch's transaction. */
  trx: Db;
  clock: Clock;
  actor: Actor;
  source: ImportSourceName;
  /** The batch's clock time (tags first used now). */
  now: string;
  fallbackTime: string;
  /** Files downloaded for this batch (downloads.ts). */
  files: ReadonlyMap<string, string>;
}

/**
 * Applies the items in order inside the caller's transaction; returns what they did. Almost
 * every batch goes through whole, so it is first tried without a savepoint per record (two
 * statements each, ~10% of an import's SQL); if any record fails, that attempt is rolled back
 * and the batch applied again record by record, each in its own savepoint.
 */
export async function applyItems(scope: BatchScope, items: readonly SourceItem[]): Promise<Tally> {
  await sql`savepoint import_batch`.execute(scope.trx);
  try {
    const total = new Tally();
    for (const item of items) await applyOne(scope, item, total);
    await sql`release import_batch`.execute(scope.trx);
    return total;
  } catch {
    await sql`rollback to import_batch`.execute(scope.trx);
    await sql`release import_batch`.execute(scope.trx);
  }
  const total = new Tally();
  for (const item of items) {
    await sql`savepoint import_record`.execute(scope.trx);
    try {
      await applyOne(scope, item, total);
      await sql`release import_record`.execute(scope.trx);
    } catch (err) {
      await sql`rollback to import_record`.execute(scope.trx);
      await sql`release import_record`.execute(scope.trx);
      const refused = refusalOf(err, item);
      if (!refused) throw err;
      const alone = new Tally();
      alone.refuse(refused.kind, refused.externalId, refused.reason);
      total.merge(alone);
    }
  }
  return total;
}

async function applyOne(scope: BatchScope, item: SourceItem, total: Tally): Promise<void> {
  const tally = new Tally();
  const w = { ctx: { db: scope.trx, clock: scope.clock, actor: scope.actor }, source: scope.source, now: scope.now, fallbackTime: scope.fallbackTime, tally, files: scope.files };
  if (item.kind === 'user') await applyUser(w, item.item);
  else if (item.kind === 'contact') await applyContact(w, item.item);
  else await applyTicket(w, item.item);
  total.merge(tally);
}
