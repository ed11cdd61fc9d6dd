// Which server sends a queued reply, when several share one PostgreSQL database: the one that
// claims it (as webhookClaims.ts does for webhook deliveries). A claim is a lease
// (mail_outbox.claimed_until) taken in a short transaction on rows locked with FOR UPDATE SKIP
// LOCKED, so two servers never take the same reply; recording the attempt's outcome clears it.
// A server that dies mid-send leaves the lease to run out, after which another one retries
// (the same Message-ID, so a reply the SMTP server had already taken shows once in the
// customer's client). As on a single server, a mailbox sends one reply at a time: a mailbox
// with a live claim anywhere gets no second one.
import { sql } from 'kysely';
import type { Db, MailOutboxRow } from '../../db/schema.ts';

export interface ReplyClaimOptions {
  now: string;
  /** When the lease runs out: after the attempt's timeout, with a margin. */
  leaseUntil: string;
  limit: number;
}

export async function claimDueReplies(db: Db, { now, leaseUntil, limit }: ReplyClaimOptions): Promise<MailOutboxRow[]> {
  return db.transaction().execute(async (trx) => {
    // One claimer at a time across servers, so "one reply per mailbox in flight" holds exactly.
    await sql`select pg_advisory_xact_lock(4870000003)`.execute(trx);
    const { rows: candidates } = await sql<MailOutboxRow>`select o.* from mail_outbox o
      left join mailboxes b on b.id = o.mailbox_id
      where o.status = 'queued' and o.next_attempt_at <= ${now}
        and (o.claimed_until is null or o.claimed_until <= ${now})
        and (b.active = 1 or o.mailbox_id is null)
      order by o.next_attempt_at, o.created_at
      limit ${limit * 4}
      for update of o skip locked`.execute(trx);
    if (candidates.length === 0) return [];
    const { rows: busy } = await sql<{ mailbox_id: string }>`select distinct mailbox_id from mail_outbox
      where status = 'queued' and claimed_until > ${now} and mailbox_id is not null`.execute(trx);
    const taken = new Set(busy.map((row) => row.mailbox_id));
    const chosen: MailOutboxRow[] = [];
    for (const row of candidates) {
      if (chosen.length >= limit) break;
      if (row.mailbox_id !== null) {
        if (taken.has(row.mailbox_id)) continue;
        taken.add(row.mailbox_id);
      }
      chosen.push(row);
    }
    if (chosen.length > 0) {
      await trx
        .updateTable('mail_outbox')
        .set({ claimed_until: leaseUntil })
        .where('message_id', 'in', chosen.map((row) => row.message_id))
        .execute();
    }
    return chosen.map((row) => ({ ...row, claimed_until: leaseUntil }));
  });
}

/** Hands a lease back unused (the reply is sent by whichever server claims it next). */
export async function releaseClaim(db: Db, messageId: string): Promise<void> {
  await db.updateTable('mail_outbox').set({ claimed_until: null }).where('message_id', '=', messageId).where('status', '=', 'queued').execute();
}
