import { type RawBuilder, sql } from 'kysely';

/**
 * Whether a ticket (table alias `alias`) has breached its SLA as of `now` — the one definition,
 * used by ticket reads and by the contact health tier alike, and evaluated at read time so it
 * turns true as time passes without any write.
 * - first response: due time passed before the first agent reply (or, with no reply, before the
 *   ticket was resolved, or before now while it is still waiting);
 * - resolution: due time passed before the ticket was resolved (or before now while unresolved).
 * Timestamps are fixed-width ISO strings, so text comparison is time comparison.
 */
export function slaBreachedSql(alias: string, now: string): RawBuilder<number> {
  const col = (name: string) => sql.ref(`${alias}.${name}`);
  return sql<number>`(coalesce(${col('first_response_at')}, ${col('resolved_at')}, ${now}) > ${col('first_response_due_at')}
    or coalesce(${col('resolved_at')}, ${now}) > ${col('resolution_due_at')})`;
}
