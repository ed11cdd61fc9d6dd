// The one way to follow the event feed: events after a position (their seq), oldest first.
// Live streams, the fan-out hub and the background followers (webhook outbox, workflows) all
// read through it, so "what comes after" means the same thing everywhere.
import type { Db, EventRow } from '../../../db/schema.ts';
import { prepared } from '../../../db/prepared.ts';

/** A page of the feed: how many events one read takes at most. */
export const feedPageSize = 500;

const after = prepared((db: Db, seq: number, limit: number) =>
  db.selectFrom('events').selectAll().where('seq', '>', seq).orderBy('seq').limit(limit),
);

/** Events with a seq greater than `seq`, oldest first, at most `limit` of them. */
export function readEventsAfter(db: Db, seq: number, limit = feedPageSize): Promise<EventRow[]> {
  return after(db, seq, limit);
}

/** The seq of the newest event, 0 on an empty feed. */
export async function newestSeq(db: Db): Promise<number> {
  const row = await db.selectFrom('events').select((eb) => eb.fn.max('seq').as('max')).executeTakeFirst();
  return Number(row?.max ?? 0);
}
