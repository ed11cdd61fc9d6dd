// Every change is recorded as an event in the same transaction as the change, so a committed
// change always has its event and a rolled-back one has neither. Recording is all this does:
// webhooks, workflows and live streams follow the feed (server/background/).
import { prepared } from '../../../db/prepared.ts';
import type { ActorType, Db } from '../../../db/schema.ts';
import { nowIso } from '../../core/clock.ts';
import { newId } from '../../core/ids.ts';
import type { Ctx } from '../context.ts';

export interface NewEvent {
  type: string;
  resourceType: string;
  resourceId: string | null;
  data: unknown;
}

// Every write records at least one event (an import, several per ticket): compiled once.
const insertEvent = prepared(
  (db: Db, id: string, type: string, resourceType: string, resourceId: string | null, actorType: ActorType, actorId: string | null, actorUserId: string | null, data: string, depth: number, createdAt: string) =>
    db.insertInto('events').values({
      id,
      type,
      resource_type: resourceType,
      resource_id: resourceId,
      actor_type: actorType,
      actor_id: actorId,
      actor_user_id: actorUserId,
      data,
      workflow_depth: depth,
      created_at: createdAt,
    }),
);

/** Records an event with the context's actor at the context's time; returns its id. */
export async function recordEvent(ctx: Ctx, event: NewEvent): Promise<string> {
  const { actor } = ctx;
  const id = newId('event', ctx.clock);
  await insertEvent(
    ctx.db,
    id,
    event.type,
    event.resourceType,
    event.resourceId,
    actor.type,
    actor.workflowId ?? actor.id,
    actor.userId,
    JSON.stringify(event.data ?? null),
    actor.workflowDepth,
    nowIso(ctx.clock),
  );
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
