// PostgreSQL twin of ../2026120660_shared_work.ts. rate_limits is UNLOGGED: it is written on
// every request, and an unlogged write needs no WAL flush at commit; a crash empties it, which
// costs at most one extra minute's allowance. Old windows are deleted as they end.
import { type Kysely, sql } from 'kysely';

const text = sql.raw('text collate "C"');

export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    sql`ALTER TABLE webhook_deliveries ADD COLUMN claimed_until ${text}`,
    sql`CREATE UNLOGGED TABLE rate_limits (
      key_id ${text} NOT NULL,
      minute bigint NOT NULL,
      count integer NOT NULL,
      PRIMARY KEY (key_id, minute)
    )`,
  ];
  for (const statement of statements) await statement.execute(db);
}
