// PostgreSQL twin of ../2026112406_ticket_order.ts: nothing to do. That flag lets SQLite read
// its FTS5 index in rowid order for a date-sorted ticket search; a GIN index has no order, so
// the PostgreSQL search never asks (server/domain/tickets/tickets.search.postgres.ts).
import type { Kysely } from 'kysely';

export async function up(_db: Kysely<unknown>): Promise<void> {}
