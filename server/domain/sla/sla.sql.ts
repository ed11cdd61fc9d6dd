// The SLA rules of common/rules/sla.ts as SQL, for reads that judge many tickets at once (the
// ticket list and its `sla` filter, the contact health tier, the desktop's warnings).
// test/unit/slaRules.test.ts checks both definitions agree case by case. Timestamps are
// fixed-width ISO strings, so text comparison is time comparison.
import { type RawBuilder, sql } from 'kysely';
import { dialectOf } from '../../../db/dialect.ts';
import type { Db } from '../../../db/schema.ts';
import { dueSoonMinutes } from '../../../common/rules/sla.ts';
import { addMinutes } from '../../core/clock.ts';

const col = (alias: string, name: string) => sql.ref(`${alias}.${name}`);

/**
 * Whether ticket `alias` has breached its SLA as of `now`, evaluated at read time so it turns
 * true as time passes without any write:
 * - first response: due time passed before the first agent reply (or, with no reply, before the
 *   ticket was resolved, or before now while it is still waiting);
 * - resolution: due time passed before the ticket was resolved (or before now while unresolved).
 */
export function slaBreachedSql(alias: string, now: string): RawBuilder<number> {
  return sql<number>`(case when ${slaBreachedCondition(alias, now)} then 1 else 0 end)`;
}

/** The condition of slaBreachedSql (a boolean, for WHERE and CASE). */
export function slaBreachedCondition(alias: string, now: string): RawBuilder<boolean> {
  return sql<boolean>`(coalesce(${col(alias, 'first_response_at')}, ${col(alias, 'resolved_at')}, ${now}) > ${col(alias, 'first_response_due_at')}
    or coalesce(${col(alias, 'resolved_at')}, ${now}) > ${col(alias, 'resolution_due_at')})`;
}

/** The next unmet due time of an open or pending ticket: its first response, then resolution. */
export function nextDueSql(alias: string): RawBuilder<string> {
  return sql<string>`(case when ${col(alias, 'first_response_at')} is null
    then ${col(alias, 'first_response_due_at')} else ${col(alias, 'resolution_due_at')} end)`;
}

/** Open or pending, not breached, and the next due time within `dueSoonMinutes` of `now`. */
export function slaDueSoonSql(alias: string, now: string): RawBuilder<number> {
  return sql<number>`(case when ${col(alias, 'status')} in ('open', 'pending') and not ${slaBreachedCondition(alias, now)}
    and ${nextDueSql(alias)} <= ${addMinutes(now, dueSoonMinutes)} then 1 else 0 end)`;
}

export interface DueTicket {
  id: string;
  number: number;
  subject: string;
  assignedTo: string | null;
  target: 'First response' | 'Resolution';
  dueAt: string;
}

/** Open and pending tickets whose next due time falls in (from, to]: about to breach. */
export async function ticketsFallingDue(db: Db, from: string, to: string): Promise<DueTicket[]> {
  const rows = await db
    .selectFrom('tickets as t')
    .select(['t.id', 't.number', 't.subject', 't.assigned_to', 't.first_response_at', nextDueSql('t').as('due_at')])
    // Read by the next-due index (migration 2026120695): on SQLite `+status` keeps the status
    // index out of the choice, which the planner would otherwise take without statistics and
    // then read every open ticket.
    .where(sql<boolean>`${dialectOf(db).name === 'sqlite' ? sql`+${col('t', 'status')}` : col('t', 'status')} in ('open', 'pending')`)
    .where(nextDueSql('t'), '>', from)
    .where(nextDueSql('t'), '<=', to)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    number: r.number,
    subject: r.subject,
    assignedTo: r.assigned_to,
    target: r.first_response_at === null ? 'First response' : 'Resolution',
    dueAt: r.due_at,
  }));
}
