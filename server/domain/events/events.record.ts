// Every change is recorded as an event in the same transaction as the change. The webhook
// outbox is filled in that transaction too, so a committed event always has its deliveries
// and a rolled-back change has neither.
import type { Kysely } from 'kysely';
import type { ActorType, Database, EventRow } from '../../../db/schema.ts';
import type { Auth } from '../auth/principal.ts';
import { type Clock, nowIso } from '../../core/clock.ts';
import { newId } from '../../core/ids.ts';

export interface Actor {
  type: ActorType;
  id: string | null;
  /** Workflow runs that led here: a workflow's own changes carry depth + 1. */
  workflowDepth: number;
  /** The workflow whose run made this change, so it never re-triggers itself. */
  workflowId?: string;
}

export const systemActor: Actor = { type: 'system', id: null, workflowDepth: 0 };

export function apiKeyActor(auth: Auth): Actor {
  return { type: 'apiKey', id: auth.keyId, workflowDepth: 0 };
}

export interface NewEvent {
  type: string;
  resourceType: string;
  resourceId: string | null;
  data: unknown;
}

export interface EventT {
  id: string;
  type: string;
  resourceType: string;
  resourceId: string | null;
  actor: { type: ActorType; id: string | null };
  data: unknown;
  createdAt: string;
}

export function presentEvent(row: EventRow): EventT {
  return {
    id: row.id,
    type: row.type,
    resourceType: row.resource_type,
    resourceId: row.resource_id,
    actor: { type: row.actor_type, id: row.actor_id },
    data: JSON.parse(row.data) as unknown,
    createdAt: row.created_at,
  };
}

/** Whether a webhook's `events` list (types, `prefix.*`, or `*`) covers this event type. */
export function typeMatches(patterns: readonly string[], type: string): boolean {
  return patterns.some(
    (p) => p === '*' || p === type || (p.endsWith('.*') && type.startsWith(p.slice(0, -1))),
  );
}

export async function recordEvent(
  trx: Kysely<Database>,
  clock: Clock,
  actor: Actor,
  event: NewEvent,
): Promise<string> {
  const now = nowIso(clock);
  const id = newId('event', clock);
  await trx
    .insertInto('events')
    .values({
      id,
      type: event.type,
      resource_type: event.resourceType,
      resource_id: event.resourceId,
      actor_type: actor.type,
      actor_id: actor.workflowId ?? actor.id,
      data: JSON.stringify(event.data ?? null),
      workflow_depth: actor.workflowDepth,
      created_at: now,
    })
    .execute();
  const hooks = await trx
    .selectFrom('webhooks')
    .select(['id', 'events'])
    .where('active', '=', 1)
    .execute();
  const due = hooks.filter((h) => typeMatches(JSON.parse(h.events) as string[], event.type));
  if (due.length > 0) {
    await trx
      .insertInto('webhook_deliveries')
      .values(
        due.map((h) => ({
          id: newId('delivery', clock),
          webhook_id: h.id,
          event_id: id,
          status: 'pending' as const,
          attempts: 0,
          next_attempt_at: now,
          last_status_code: null,
          last_error: null,
          created_at: now,
          updated_at: now,
        })),
      )
      .execute();
  }
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
  trx: Kysely<Database>,
  clock: Clock,
  actor: Actor,
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
    await recordEvent(trx, clock, actor, {
      type: `${update.resourceType}.updated`,
      resourceType: update.resourceType,
      resourceId: update.resourceId,
      data: { [update.key]: update.after, changes },
    });
  }
  return changes;
}
