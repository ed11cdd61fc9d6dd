// The next SLA due time of each ticket, indexed: the notifier asks at start and every minute for
// the open or pending tickets falling due in the next 30 minutes (server/domain/sla/sla.sql.ts,
// ticketsFallingDue). Without this index that query reads every open and pending ticket: measured
// at 1,000,000 tickets, 427 ms with the event loop blocked, at every start (cold start 0.6 s
// longer) and once a minute under load; with it 0.1 ms. Not partial: without planner statistics
// (an install that grew by use has none) SQLite prefers the status index to a partial one, so
// the query keeps the status test out of the index choice instead (`+status`).
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX tickets_next_due ON tickets
    ((case when first_response_at is null then first_response_due_at else resolution_due_at end))`.execute(db);
}
