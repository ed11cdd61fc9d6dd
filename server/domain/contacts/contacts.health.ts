import { type RawBuilder, sql } from 'kysely';
import { slaBreachedCondition } from '../sla/sla.sql.ts';

export type HealthTier = 'healthy' | 'at-risk' | 'churned';

const day = 86_400_000;

/**
 * A contact's health tier (table alias `alias`) as of `now`, computed in SQL at read time so the
 * `healthTier` filter and the value shown always agree:
 * - churned: no activity (lastSeenAt, else createdAt) for more than 90 days;
 * - at-risk: not churned, and any of: an open/pending ticket that is urgent or has breached its
 *   SLA; 3 or more tickets created in the last 30 days; no activity for more than 30 days;
 * - healthy: otherwise.
 */
export function healthTierSql(alias: string, now: Date): RawBuilder<HealthTier> {
  const col = (name: string) => sql.ref(`${alias}.${name}`);
  const nowIso = now.toISOString();
  const days30 = new Date(now.getTime() - 30 * day).toISOString();
  const days90 = new Date(now.getTime() - 90 * day).toISOString();
  const activity = sql`coalesce(${col('last_seen_at')}, ${col('created_at')})`;
  return sql<HealthTier>`(case
    when ${activity} < ${days90} then 'churned'
    when ${activity} < ${days30}
      or exists (select 1 from tickets ht
        where ht.contact_id = ${col('id')} and ht.status in ('open', 'pending')
          and (ht.priority = 'urgent' or ${slaBreachedCondition('ht', nowIso)}))
      or (select count(*) from tickets hc
        where hc.contact_id = ${col('id')} and hc.created_at >= ${days30}) >= 3
      then 'at-risk'
    else 'healthy' end)`;
}
