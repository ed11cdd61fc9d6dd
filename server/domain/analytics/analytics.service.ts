// The analytics summary, computed by SQL aggregates over the window's tickets (served by the
// tickets_created index); only the grouped rows, never the tickets, come back to JS.
import { sql } from 'kysely';
import { countRows } from '../../../db/queries/count.ts';
import { slaBreachedSql } from '../sla/sla.sql.ts';
import type { Db } from '../../../db/schema.ts';
import { type Ctx, inSnapshot } from '../context.ts';
import { dialectOf } from '../../../db/dialect.ts';
import { priorities, ticketStatuses } from '../../../common/rules/tickets.ts';
import type { AnalyticsSummaryParams, AnalyticsSummaryT, DayRollupT } from '../../../common/contract/analytics.ts';

const dayMs = 86_400_000;

export interface SummaryWindow {
  /** 00:00:00.000Z of the oldest day in the window. */
  start: string;
  /** Now: the window's inclusive end, and the instant breaches are judged at. */
  end: string;
  /** `YYYY-MM-DD` of every day in the window, newest (today) first. */
  dayKeys: string[];
}

/** The last `days` UTC calendar days, today included: from 00:00Z of today-(days-1) to now. */
export function summaryWindow(now: Date, days: number): SummaryWindow {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const dayKeys = Array.from({ length: days }, (_, i) =>
    new Date(today - i * dayMs).toISOString().slice(0, 10),
  );
  return { start: new Date(today - (days - 1) * dayMs).toISOString(), end: now.toISOString(), dayKeys };
}

/** 1 - breached/total to three decimals; a window without tickets has breached nothing. */
export function complianceRatio(breached: number, total: number): number {
  if (total === 0) return 1;
  return Math.round(((total - breached) / total) * 1000) / 1000;
}

/** Counts per value with every allowed value present, zeros included. */
function countsFor<K extends string>(keys: readonly K[], rows: { key: K; n: number }[]) {
  const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (const row of rows) out[row.key] = row.n;
  return out;
}

function windowTickets(db: Db, w: SummaryWindow) {
  return db
    .selectFrom('tickets as t')
    .where('t.created_at', '>=', w.start)
    .where('t.created_at', '<=', w.end);
}

/**
 * Median of (firstResponseAt - createdAt) over the window's answered tickets: count them, then
 * read the middle one (odd count) or the middle two (even count) of the sorted durations.
 * Durations are whole milliseconds in SQL, so the result is exact before the final rounding.
 */
async function medianFirstResponseMinutes(db: Db, w: SummaryWindow): Promise<number | null> {
  const answered = windowTickets(db, w).where('t.first_response_at', 'is not', null);
  const n = await countRows(answered);
  if (n === 0) return null;
  const ms = dialectOf(db).msBetween(sql.ref('t.created_at'), sql.ref('t.first_response_at'));
  const middle = await answered
    .select(ms.as('ms'))
    .orderBy(ms)
    .limit(n % 2 === 1 ? 1 : 2)
    .offset(Math.floor((n - 1) / 2))
    .execute();
  const meanMs = middle.reduce((sum, row) => sum + row.ms, 0) / middle.length;
  return Math.round((meanMs / 60_000) * 10) / 10;
}

export async function analyticsSummary(
  ctx: Ctx,
  params: AnalyticsSummaryParams,
): Promise<AnalyticsSummaryT> {
  const w = summaryWindow(ctx.clock.now(), params.days);
  // One read transaction: every figure comes from the same snapshot, so they add up.
  return inSnapshot(ctx, async (tx) => {
    const trx = tx.db;
    const day = sql<string>`substr(t.created_at, 1, 10)`;
    const perDay = await windowTickets(trx, w)
      .select([
        day.as('day'),
        sql<number>`count(*)`.as('total'),
        sql<number>`sum(${slaBreachedSql('t', w.end)})`.as('breached'),
      ])
      .groupBy(day)
      .execute();
    const byStatus = await windowTickets(trx, w)
      .select(['t.status as key', sql<number>`count(*)`.as('n')])
      .groupBy('t.status')
      .execute();
    const byPriority = await windowTickets(trx, w)
      .select(['t.priority as key', sql<number>`count(*)`.as('n')])
      .groupBy('t.priority')
      .execute();
    const median = await medianFirstResponseMinutes(trx, w);

    const grouped = new Map(perDay.map((row) => [row.day, row]));
    const rollups: DayRollupT[] = w.dayKeys.map((key) => {
      const row = grouped.get(key);
      const total = row?.total ?? 0;
      return { day: key, total, slaBreached: row?.breached ?? 0, slaTotal: total };
    });
    const tickets = rollups.reduce((sum, r) => sum + r.total, 0);
    const slaBreached = rollups.reduce((sum, r) => sum + r.slaBreached, 0);
    return {
      days: params.days,
      tickets,
      byStatus: countsFor(ticketStatuses, byStatus),
      byPriority: countsFor(priorities, byPriority),
      slaBreached,
      slaTotal: tickets,
      slaComplianceRatio: complianceRatio(slaBreached, tickets),
      medianFirstResponseMinutes: median,
      rollups,
    };
  });
}
