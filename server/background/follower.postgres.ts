// A feed follower when several servers share one PostgreSQL database (follower.ts has the
// single-server one). Every server runs it; each event is handled exactly once among them,
// because the cursor row is the claim: a server moves a cursor only in a transaction that
// holds its row (SELECT … FOR UPDATE SKIP LOCKED), reads the events after it there, and commits
// whatever they cause together with the new position. A server that finds the row locked skips
// the round (another one is on it, and goes on until nothing is left); a server that dies
// mid-way loses its transaction, so the next one starts from the same place.
import { sql } from 'kysely';
import { isImportActor } from '../../common/rules/events.ts';
import { dialectOf } from '../../db/dialect.ts';
import type { Db, EventRow } from '../../db/schema.ts';
import type { Deps } from '../deps.ts';
import { feedPageSize, readEventsAfter } from '../domain/events/events.feed.ts';
import type { BackgroundTask } from './task.ts';

/** What follower.ts's FeedFollower gives (restated here so the two modules stay apart). */
export interface SharedFollower {
  name: string;
  handle(event: EventRow): Promise<((trx: Db) => Promise<void>) | null>;
  committed?(): void;
  /** Whether events of rows an import wrote are handled too (follower.ts). */
  includeImports?: boolean;
}

/** How often a server looks for events nobody announced (a lost notification, a dead node). */
const pollMs = 2_000;

type Round = { kind: 'busy' } | { kind: 'moved'; events: number; wrote: boolean };

export function startSharedFollower(deps: Deps, follower: SharedFollower): BackgroundTask {
  const { db, logger } = deps;
  const log = { follower: follower.name };
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;

  /** On the very first start anywhere, the cursor begins at the newest event (no replay). */
  const ready = sql`insert into event_cursors (name, seq)
    select ${follower.name}, coalesce(max(seq), 0) from events
    on conflict (name) do nothing`.execute(db);

  /**
   * One claimed round: the events after the cursor up to and including the first that needs
   * writes (or a page of events that need none), committed with the cursor. Writes take the
   * write lock like any other (db/dialects/postgres.ts), and each runs in a savepoint: a
   * failing one rolls back alone and its event is skipped, as on SQLite.
   */
  async function round(): Promise<Round> {
    return db.transaction().execute(async (trx): Promise<Round> => {
      const claimed = await sql<{ seq: number }>`select seq from event_cursors
        where name = ${follower.name} for update skip locked`.execute(trx);
      const from = claimed.rows[0]?.seq;
      if (from === undefined) return { kind: 'busy' };
      const events = await readEventsAfter(trx, from, feedPageSize);
      let cursor = from;
      let seen = 0;
      let wrote = false;
      for (const event of events) {
        seen++;
        cursor = event.seq;
        // As on SQLite (follower.ts): rows an import wrote are history, not news.
        if (!follower.includeImports && isImportActor({ type: event.actor_type, id: event.actor_id })) continue;
        let work: ((trx: Db) => Promise<void>) | null;
        try {
          work = await follower.handle(event);
        } catch (err) {
          logger.error({ err, eventId: event.id, ...log }, 'event follower could not handle an event; skipped');
          continue;
        }
        if (!work) continue;
        await dialectOf(trx).beginWrite(trx);
        await sql`savepoint follower_work`.execute(trx);
        try {
          await work(trx);
          await sql`release savepoint follower_work`.execute(trx);
          wrote = true;
        } catch (err) {
          await sql`rollback to savepoint follower_work`.execute(trx);
          logger.error({ err, eventId: event.id, ...log }, 'event follower could not handle an event; skipped');
        }
        break; // commit now: the write lock is held no longer than one event's work
      }
      if (cursor !== from) {
        await sql`update event_cursors set seq = ${cursor} where name = ${follower.name}`.execute(trx);
      }
      return { kind: 'moved', events: seen, wrote };
    });
  }

  /**
   * One read, no transaction: whether the feed holds anything after the cursor. Every commit on
   * any node wakes every node's followers, and most wake-ups find that another node (or an
   * earlier round) has handled everything: they stop here instead of claiming.
   */
  async function behind(): Promise<boolean> {
    const { rows } = await sql<{ cursor: number | null; newest: number }>`select
      (select seq from event_cursors where name = ${follower.name}) as cursor,
      (select coalesce(max(seq), 0) from events) as newest`.execute(db);
    const row = rows[0];
    return !row || row.cursor === null || row.cursor < row.newest;
  }

  /** Rounds until nothing is left or another server holds the cursor. */
  async function drain(): Promise<void> {
    await ready;
    if (!(await behind())) return;
    for (;;) {
      const result = await round();
      if (result.kind === 'busy') return;
      if (result.wrote) follower.committed?.();
      if (result.events === 0) return;
    }
  }

  function wake(): void {
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await drain();
        } catch (err) {
          // Nothing was committed: the next round starts from the same cursor.
          logger.error({ err, ...log }, 'event follower failed; resuming from its cursor later');
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
    });
  }

  const unsubscribe = deps.hub.subscribe(() => {
    if (!stopped) wake();
  });
  const timer = setInterval(() => {
    if (!stopped) wake();
  }, pollMs);
  timer.unref();
  wake();

  return {
    async stop() {
      stopped = true;
      unsubscribe();
      clearInterval(timer);
      await running;
      // What was committed before the stop is handled now rather than by the next start, so
      // a stopped server leaves its cursor at the newest event (unless another server has it).
      await drain().catch((err: unknown) => {
        logger.error({ err, ...log }, 'event follower could not finish on stop');
      });
    },
  };
}
