// mail_outbox.claimed_until: the lease a server takes on a queued reply while it sends it, so
// that servers sharing one PostgreSQL database never send the same reply twice (like
// webhook_deliveries.claimed_until, migration 2026120660). A server that dies mid-send lets the
// lease run out and another one retries. A SQLite install has one server and never sets it.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE mail_outbox ADD COLUMN claimed_until TEXT`.execute(db);
}
