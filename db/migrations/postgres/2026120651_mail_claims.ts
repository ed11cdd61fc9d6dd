// PostgreSQL twin of ../2026120651_mail_claims.ts.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE mail_outbox ADD COLUMN claimed_until text collate "C"`.execute(db);
}
