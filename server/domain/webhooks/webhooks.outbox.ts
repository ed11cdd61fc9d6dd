// The webhook outbox: one delivery row per (event, subscribed webhook), written by the outbox
// follower (server/background/webhooks.ts) in the same transaction that moves its cursor, and
// sent by the delivery worker.
import type { Db, EventRow } from '../../../db/schema.ts';
import { typeMatches } from '../../../common/rules/events.ts';
import { prepared } from '../../../db/prepared.ts';
import type { Clock } from '../../core/clock.ts';
import { newId } from '../../core/ids.ts';

const activeWebhooks = prepared((db: Db, seq: number) =>
  db.selectFrom('webhooks').select(['id', 'events']).where('active', '=', 1).where('since_seq', '<', seq),
);

/** The active webhooks that existed when this event was committed and subscribe to its type. */
export async function subscribersOf(db: Db, event: EventRow): Promise<string[]> {
  const hooks = await activeWebhooks(db, event.seq);
  return hooks.filter((h) => typeMatches(JSON.parse(h.events) as string[], event.type)).map((h) => h.id);
}

/** Queues the event for each of these webhooks, due now. */
export async function queueDeliveries(db: Db, clock: Clock, event: EventRow, webhookIds: readonly string[]): Promise<void> {
  if (webhookIds.length === 0) return;
  const now = clock.now().toISOString();
  await db
    .insertInto('webhook_deliveries')
    .values(
      webhookIds.map((webhookId) => ({
        id: newId('delivery', clock),
        webhook_id: webhookId,
        event_id: event.id,
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
