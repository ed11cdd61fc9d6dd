import type { Kysely } from 'kysely';
import type { Database, Priority, SlaPolicyRow } from '../../../db/schema.ts';
import { type Clock, nowIso } from '../../core/clock.ts';
import { notFound } from '../../core/errors.ts';
import { type Actor, recordUpdated } from '../events/events.record.ts';
import { transact } from '../../../db/transact.ts';
import { policyOrder, type SlaPolicyPutInput, type SlaPolicyT } from '../../../common/contract/sla.ts';

type Db = Kysely<Database>;

export function presentSlaPolicy(row: SlaPolicyRow): SlaPolicyT {
  return {
    priority: row.priority,
    firstResponseMinutes: row.first_response_minutes,
    resolutionMinutes: row.resolution_minutes,
    updatedAt: row.updated_at,
  };
}

/** A path segment is a priority only if it is one exactly; anything else names no policy (404). */
function asPriority(raw: string): Priority {
  const found = policyOrder.find((p) => p === raw);
  if (!found) throw notFound('SLA policy', raw);
  return found;
}

export async function listSlaPolicies(db: Db): Promise<SlaPolicyT[]> {
  const rows = await db.selectFrom('sla_policies').selectAll().execute();
  const rank = (p: Priority) => policyOrder.indexOf(p);
  return rows.sort((a, b) => rank(a.priority) - rank(b.priority)).map(presentSlaPolicy);
}

export async function getSlaPolicy(db: Db, rawPriority: string): Promise<SlaPolicyT> {
  const priority = asPriority(rawPriority);
  const row = await db
    .selectFrom('sla_policies')
    .selectAll()
    .where('priority', '=', priority)
    .executeTakeFirst();
  // The migration seeds all four rows and nothing deletes them; a missing one is still a 404.
  if (!row) throw notFound('SLA policy', priority);
  return presentSlaPolicy(row);
}

/**
 * Replaces one priority's targets. Tickets keep the due times they were given: only tickets
 * created, or re-prioritised, after this change are timed by the new policy. sla_policy.updated
 * (resourceId: the priority) names the targets whose value changed; putting the same targets
 * again records no event.
 */
export async function putSlaPolicy(
  db: Db,
  clock: Clock,
  actor: Actor,
  rawPriority: string,
  input: SlaPolicyPutInput,
): Promise<SlaPolicyT> {
  const priority = asPriority(rawPriority);
  return transact(db, async (trx) => {
    const before = await getSlaPolicy(trx, priority);
    await trx
      .updateTable('sla_policies')
      .set({
        first_response_minutes: input.firstResponseMinutes,
        resolution_minutes: input.resolutionMinutes,
        updated_at: nowIso(clock),
      })
      .where('priority', '=', priority)
      .execute();
    const after = await getSlaPolicy(trx, priority);
    await recordUpdated(trx, clock, actor, {
      resourceType: 'sla_policy',
      resourceId: priority,
      key: 'slaPolicy',
      before,
      after,
      fields: ['firstResponseMinutes', 'resolutionMinutes'],
    });
    return after;
  });
}
