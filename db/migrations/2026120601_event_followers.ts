// Background work follows the event feed instead of being called from recordEvent:
// - the webhook outbox is filled by a follower with its own durable cursor ('webhook-outbox'),
//   which starts where this migration runs (every earlier event already has its deliveries);
// - a webhook receives the events committed after it was created: `since_seq` is the newest seq
//   at its creation (a follower that lags behind must not send it older events);
// - events name the user a change was made for (`actor_user_id`: a key's user), so a feed
//   reader can say who did it without being allowed to list other people's keys.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    sql`ALTER TABLE webhooks ADD COLUMN since_seq INTEGER NOT NULL DEFAULT 0`,
    sql`UPDATE webhooks SET since_seq = (SELECT coalesce(max(seq), 0) FROM events)`,
    sql`INSERT INTO event_cursors (name, seq)
      SELECT 'webhook-outbox', coalesce(max(seq), 0) FROM events WHERE true
      ON CONFLICT (name) DO NOTHING`,
    sql`ALTER TABLE events ADD COLUMN actor_user_id TEXT`,
    sql`UPDATE events SET actor_user_id = (SELECT user_id FROM api_keys k WHERE k.id = events.actor_id)
      WHERE actor_type = 'apiKey'`,
  ];
  for (const statement of statements) await statement.execute(db);
}
