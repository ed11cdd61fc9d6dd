// PostgreSQL twin of ../2026120601_event_followers.ts.
import { type Kysely, sql } from 'kysely';

const text = sql.raw('text collate "C"');

export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    sql`ALTER TABLE webhooks ADD COLUMN since_seq bigint NOT NULL DEFAULT 0`,
    sql`UPDATE webhooks SET since_seq = (SELECT coalesce(max(seq), 0) FROM events)`,
    sql`INSERT INTO event_cursors (name, seq)
      SELECT 'webhook-outbox', coalesce(max(seq), 0) FROM events
      ON CONFLICT (name) DO NOTHING`,
    sql`ALTER TABLE events ADD COLUMN actor_user_id ${text}`,
    sql`UPDATE events SET actor_user_id = (SELECT user_id FROM api_keys k WHERE k.id = events.actor_id)
      WHERE actor_type = 'apiKey'`,
  ];
  for (const statement of statements) await statement.execute(db);
}
