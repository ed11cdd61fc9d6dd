// Which server sends a webhook delivery, when several share one PostgreSQL database: the one
// that claims it. A claim is a lease (webhook_deliveries.claimed_until) taken in a short
// transaction on rows locked with FOR UPDATE SKIP LOCKED, so two servers never take the same
// delivery; the attempt's outcome clears it. A server that dies mid-call leaves the lease to
// run out, after which another server retries (deliveries are at least once; the lease makes
// them once whenever the sender lives). Claims are counted per receiver across servers: at most
// `perWebhook` attempts at a time, as on a single server.
import { sql } from 'kysely';
import type { Db } from '../../db/schema.ts';

export interface DueDelivery {
  id: string;
  webhook_id: string;
  event_id: string;
  url: string;
  secret: string;
}

export interface ClaimOptions {
  now: string;
  /** When the lease runs out: after the attempt's timeout, with a margin. */
  leaseUntil: string;
  limit: number;
  perWebhook: number;
  /** Deliveries this server is sending now: never claimed twice, whatever the clock says. */
  sending: ReadonlySet<string>;
}

export async function claimDueDeliveries(db: Db, { now, leaseUntil, limit, perWebhook, sending }: ClaimOptions): Promise<DueDelivery[]> {
  return db.transaction().execute(async (trx) => {
    // One claim at a time across servers, so the per-receiver counts below are exact. Claims
    // are two short statements; this is not the write lock, which requests keep to themselves.
    await sql`select pg_advisory_xact_lock(4870000002)`.execute(trx);
    const { rows: candidates } = await sql<DueDelivery>`select d.id, d.webhook_id, d.event_id, w.url, w.secret
      from webhook_deliveries d join webhooks w on w.id = d.webhook_id
      where d.status = 'pending' and d.next_attempt_at <= ${now}
        and (d.claimed_until is null or d.claimed_until <= ${now}) and w.active = 1
      order by d.next_attempt_at, d.seq
      limit ${limit * perWebhook}
      for update of d skip locked`.execute(trx);
    if (candidates.length === 0) return [];
    const { rows: busy } = await sql<{ webhook_id: string; n: number }>`select webhook_id, count(*) as n
      from webhook_deliveries where status = 'pending' and claimed_until > ${now} group by webhook_id`.execute(trx);
    const inFlight = new Map(busy.map((row) => [row.webhook_id, row.n]));
    const chosen: DueDelivery[] = [];
    for (const delivery of candidates) {
      if (chosen.length >= limit) break;
      if (sending.has(delivery.id)) continue;
      const n = inFlight.get(delivery.webhook_id) ?? 0;
      if (n >= perWebhook) continue;
      inFlight.set(delivery.webhook_id, n + 1);
      chosen.push(delivery);
    }
    if (chosen.length > 0) {
      await trx
        .updateTable('webhook_deliveries')
        .set({ claimed_until: leaseUntil })
        .where('id', 'in', chosen.map((d) => d.id))
        .execute();
    }
    return chosen;
  });
}
