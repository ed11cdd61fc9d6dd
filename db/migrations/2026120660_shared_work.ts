// What several servers on one database share (issue 18), created on both engines so the
// schema is the same everywhere:
// - webhook_deliveries.claimed_until: the lease a server takes on a delivery while it sends it,
//   so no other server sends it too; a server that dies mid-call lets the lease run out and
//   another one retries. A SQLite install has one server and never sets it.
// - rate_limits: requests per key and minute, counted in the database when several servers
//   must agree (PostgreSQL). A single server (SQLite) counts in memory and leaves it empty.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    sql`ALTER TABLE webhook_deliveries ADD COLUMN claimed_until TEXT`,
    sql`CREATE TABLE rate_limits (
      key_id TEXT NOT NULL,
      minute INTEGER NOT NULL,
      count INTEGER NOT NULL,
      PRIMARY KEY (key_id, minute)
    ) WITHOUT ROWID`,
  ];
  for (const statement of statements) await statement.execute(db);
}
