// How a host takes a ticket change a replica made offline: decided by arrival here, never by a
// clock. The change says which values it was made on (the replica sends them as
// X-LocalDesk-Expect). A field someone else changed since then keeps its value, and the
// change's author sees in the ticket's activity that theirs was overtaken (event
// `ticket.change_overtaken`); the other fields apply. Tags are a set: what the change added or
// removed since the values it was made on is added or removed, whatever else happened to the
// set meanwhile.
import type { TicketPatchInput, TicketT } from '../../../common/contract/tickets.ts';
import { invalidField } from '../../core/errors.ts';
import { nowIso } from '../../core/clock.ts';
import { type Ctx, inTransaction } from '../context.ts';
import { recordEvent } from '../events/events.record.ts';
import { applyTicketChanges } from '../tickets/tickets.changes.ts';
import { getTicket, loadTicket } from '../tickets/tickets.read.ts';

type Field = keyof TicketPatchInput & keyof TicketT;

/** Parses the X-LocalDesk-Expect header: a JSON object of field values; 400 otherwise. */
export function parseExpectation(header: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(header);
  } catch {
    value = null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalidField('X-LocalDesk-Expect', "must be a JSON object of the fields' values the change was made on");
  }
  return value as Record<string, unknown>;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** Who last changed `field` of the ticket (its latest ticket.updated event naming it). */
async function lastChangeOf(ctx: Ctx, ticketId: string, field: string): Promise<{ userId: string | null; name: string | null }> {
  const events = await ctx.db
    .selectFrom('events')
    .select(['data', 'actor_user_id'])
    .where('resource_id', '=', ticketId)
    .where('type', '=', 'ticket.updated')
    .orderBy('seq', 'desc')
    .limit(50)
    .execute();
  const found = events.find((e) => ((JSON.parse(e.data) as { changes?: string[] }).changes ?? []).includes(field));
  const userId = found?.actor_user_id ?? null;
  if (!userId) return { userId: null, name: null };
  const user = await ctx.db.selectFrom('users').select('name').where('id', '=', userId).executeTakeFirst();
  return { userId, name: user?.name ?? null };
}

function mergedTags(current: readonly string[], expected: unknown, wanted: readonly string[]): string[] {
  if (!Array.isArray(expected)) return [...wanted];
  const lower = (list: readonly unknown[]) => new Set(list.map((t) => String(t).toLowerCase()));
  const before = lower(expected);
  const after = lower(wanted);
  const removed = [...before].filter((t) => !after.has(t));
  const added = wanted.filter((t) => !before.has(t.toLowerCase()));
  const kept = current.filter((t) => !removed.includes(t.toLowerCase()));
  const have = lower(kept);
  return [...kept, ...added.filter((t) => !have.has(t.toLowerCase()))];
}

/** PATCH /tickets/:id with the values the change was made on (see the top of this file). */
export async function updateTicketExpecting(
  ctx: Ctx,
  id: string,
  patch: TicketPatchInput,
  expect: Record<string, unknown>,
): Promise<TicketT> {
  return inTransaction(ctx, async (tx) => {
    const current = await getTicket(tx, id);
    const apply: Record<string, unknown> = {};
    for (const field of Object.keys(patch) as Field[]) {
      const wanted = patch[field];
      if (field === 'tags') {
        apply.tags = mergedTags(current.tags, expect.tags, wanted as string[]);
        continue;
      }
      const overtaken = field in expect && !same(expect[field], current[field]) && !same(wanted, current[field]);
      if (!overtaken) {
        apply[field] = wanted;
        continue;
      }
      const by = await lastChangeOf(tx, id, field);
      await recordEvent(tx, {
        type: 'ticket.change_overtaken',
        resourceType: 'ticket',
        resourceId: id,
        data: { ticketId: id, field, yourValue: wanted ?? null, theirValue: current[field] ?? null, byUserId: by.userId, byName: by.name },
      });
    }
    if (Object.keys(apply).length === 0) return current;
    return applyTicketChanges(tx, await loadTicket(tx.db, id), apply as TicketPatchInput, nowIso(tx.clock));
  });
}
