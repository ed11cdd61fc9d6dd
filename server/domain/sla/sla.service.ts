import { prepared } from '../../../db/prepared.ts';
import type { Db, Priority, SlaPolicyRow } from '../../../db/schema.ts';
import { addMinutes, nowIso } from '../../core/clock.ts';
import { notFound } from '../../core/errors.ts';
import { recordUpdated } from '../events/events.record.ts';
import { type Ctx, inTransaction } from '../context.ts';
import { policyOrder, type SlaPolicyPutInput, type SlaPolicyT } from '../../../common/contract/sla.ts';

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

export async function listSlaPolicies(ctx: Ctx): Promise<SlaPolicyT[]> {
  const rows = await ctx.db.selectFrom('sla_policies').selectAll().execute();
  const rank = (p: Priority) => policyOrder.indexOf(p);
  return rows.sort((a, b) => rank(a.priority) - rank(b.priority)).map(presentSlaPolicy);
}

export async function getSlaPolicy(ctx: Ctx, rawPriority: string): Promise<SlaPolicyT> {
  const { db } = ctx;
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
  ctx: Ctx,
  rawPriority: string,
  input: SlaPolicyPutInput,
): Promise<SlaPolicyT> {
  const priority = asPriority(rawPriority);
  return inTransaction(ctx, async (tx) => {
    const trx = tx.db;
    const before = await getSlaPolicy(tx, priority);
    await trx
      .updateTable('sla_policies')
      .set({
        first_response_minutes: input.firstResponseMinutes,
        resolution_minutes: input.resolutionMinutes,
        updated_at: nowIso(ctx.clock),
      })
      .where('priority', '=', priority)
      .execute();
    const after = await getSlaPolicy(tx, priority);
    await recordUpdated(tx, {
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

// Read on every ticket created (an import: on every ticket it brings): compiled once.
const policyOf = prepared((db: Db, priority: Priority) =>
  db.selectFrom('sla_policies').select(['first_response_minutes', 'resolution_minutes']).where('priority', '=', priority),
);

/**
 * Due times from the current policy of this priority, always counted from the ticket's
 * creation (also after a priority change). Editing a policy applies to tickets created or
 * re-prioritised afterwards; existing due times are not rewritten.
 */
export async function slaDueTimes(db: Db, priority: Priority, createdAt: string) {
  const [policy] = await policyOf(db, priority);
  if (!policy) throw notFound('SLA policy', priority);
  return {
    first_response_due_at: addMinutes(createdAt, policy.first_response_minutes),
    resolution_due_at: addMinutes(createdAt, policy.resolution_minutes),
  };
}
