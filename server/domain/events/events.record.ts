// Every change is recorded as an event in the same transaction as the change, so a committed
// change always has its event and a rolled-back one has neither. Recording is all this does:
// webhooks, workflows and live streams follow the feed (server/background/).
import { nowIso } from '../../core/clock.ts';
import { newId } from '../../core/ids.ts';
import type { Ctx } from '../context.ts';

export interface NewEvent {
  type: string;
  resourceType: string;
  resourceId: string | null;
  data: unknown;
}

/** Records an event with the context's actor at the context's time; returns its id. */
export async function recordEvent(ctx: Ctx, event: NewEvent): Promise<string> {
  const { actor } = ctx;
  const id = newId('event', ctx.clock);
  await ctx.db
    .insertInto('events')
    .values({
      id,
      type: event.type,
      resource_type: event.resourceType,
      resource_id: event.resourceId,
      actor_type: actor.type,
      actor_id: actor.workflowId ?? actor.id,
      actor_user_id: actor.userId,
      data: JSON.stringify(event.data ?? null),
      workflow_depth: actor.workflowDepth,
      created_at: nowIso(ctx.clock),
    })
    .execute();
  return id;
}

/** Top-level fields whose value differs between two presentations (compared as JSON). */
export function changedFields<T extends object>(
  before: T,
  after: T,
  fields: readonly (keyof T & string)[] = Object.keys(after) as (keyof T & string)[],
): string[] {
  return fields.filter(
    (field) => field !== 'updatedAt' && JSON.stringify(before[field]) !== JSON.stringify(after[field]),
  );
}

/**
 * Records `<resourceType>.updated` with the resource as it is now (under `key`) and the names
 * of the fields that changed; records nothing when none did. Returns those names.
 */
export async function recordUpdated<T extends object>(
  ctx: Ctx,
  update: {
    resourceType: string;
    resourceId: string;
    key: string;
    before: T;
    after: T;
    fields?: readonly (keyof T & string)[];
  },
): Promise<string[]> {
  const changes = changedFields(update.before, update.after, update.fields);
  if (changes.length > 0) {
    await recordEvent(ctx, {
      type: `${update.resourceType}.updated`,
      resourceType: update.resourceType,
      resourceId: update.resourceId,
      data: { [update.key]: update.after, changes },
    });
  }
  return changes;
}
