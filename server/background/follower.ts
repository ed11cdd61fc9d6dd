// Background work that reacts to changes follows the event feed after a durable cursor
// (event_cursors): the webhook outbox and the workflow engine. This is the single-server
// follower (SQLite); servers sharing PostgreSQL claim the cursor (follower.postgres.ts). Events are handled one at a time
// in commit order; an event whose handling writes commits those writes together with the cursor,
// so a crash can neither repeat nor lose them. Events that need nothing move the cursor in
// memory and it is written lazily (and on stop): a crash in between only means they are looked
// at again at the next start.
import { dialectName } from '../../db/dialect.ts';
import type { Db, EventRow } from '../../db/schema.ts';
import { isImportActor } from '../../common/rules/events.ts';
import { inOneTransaction } from '../../db/transact.ts';
import type { Deps } from '../deps.ts';
import { startSharedFollower } from './follower.postgres.ts';
import { feedPageSize, newestSeq, readEventsAfter } from '../domain/events/events.feed.ts';
import type { BackgroundTask } from './task.ts';

/** Writes that must commit with the cursor moving past the event that caused them. */
export type CursorWork = (trx: Db) => Promise<void>;

export interface FeedFollower {
  /** Its durable cursor's name in event_cursors. */
  name: string;
  /**
   * What this event needs: writes to commit with the cursor, or null when it needs nothing. A
   * handler that throws has the event logged and skipped (never retried in a loop), unless the
   * database failed for a passing reason (a full disk, a lock): then the event is tried again
   * from the cursor with the next events.
   */
  handle(event: EventRow): Promise<CursorWork | null>;
  /** Called after writes committed (to wake a worker, or let the hub see new events). */
  committed?(): void;
  /**
   * Events recording rows an import wrote (actor: the system for an imp_ job) are history, not
   * news: a follower never sees them unless it asks to (a sync follower would).
   */
  includeImports?: boolean;
}

/** SQLite's codes for a condition that passes (no space, a lock held elsewhere, an I/O error). */
function isTransientDatabaseError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^SQLITE_(FULL|BUSY|LOCKED|IOERR)/.test(code);
}

/** How long a cursor moved only by events that needed nothing may stay unwritten. */
const lazySaveMs = 100;

function saveCursor(db: Db, name: string, seq: number): Promise<unknown> {
  return db
    .insertInto('event_cursors')
    .values({ name, seq })
    .onConflict((oc) => oc.column('name').doUpdateSet({ seq }))
    .execute();
}

/** Where a follower left off; on its very first start, the newest event (history is not replayed). */
async function loadCursor(db: Db, name: string): Promise<number> {
  const row = await db.selectFrom('event_cursors').select('seq').where('name', '=', name).executeTakeFirst();
  if (row) return row.seq;
  await db
    .insertInto('event_cursors')
    .values({ name, seq: await newestSeq(db) })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  return loadCursor(db, name);
}

export function startFollower(deps: Deps, follower: FeedFollower): BackgroundTask {
  // Servers sharing a PostgreSQL database claim the cursor instead (follower.postgres.ts).
  if (dialectName(deps.db) === 'postgres') return startSharedFollower(deps, follower);
  const { db, logger } = deps;
  const log = { follower: follower.name };
  let cursor: number | null = null; // every event up to this seq has been handled
  let saved = 0; // the cursor as last written
  let stopped = false;
  let chain: Promise<void> = Promise.resolve();

  /** Work runs one item at a time, in the order it was queued. */
  const enqueue = (work: () => Promise<void>) => {
    chain = chain.then(async () => {
      if (stopped) return;
      try {
        await work();
      } catch (err) {
        // Nothing is skipped: the next batch resumes from the cursor.
        logger.error({ err, ...log }, 'event follower failed; resuming from its cursor later');
      }
    });
  };

  async function ready(): Promise<number> {
    if (cursor === null) {
      cursor = await loadCursor(db, follower.name);
      saved = cursor;
    }
    return cursor;
  }

  async function handleEvent(event: EventRow): Promise<void> {
    if (!follower.includeImports && isImportActor({ type: event.actor_type, id: event.actor_id })) {
      cursor = event.seq;
      return;
    }
    try {
      const work = await follower.handle(event);
      if (work) {
        await inOneTransaction(db, async (trx) => {
          await work(trx);
          await saveCursor(trx, follower.name, event.seq);
        });
        saved = event.seq;
        follower.committed?.();
      }
    } catch (err) {
      // A full disk or a busy database passes: the event is tried again from the cursor later.
      if (isTransientDatabaseError(err)) throw err;
      logger.error({ err, eventId: event.id, ...log }, 'event follower could not handle an event; skipped');
    }
    cursor = event.seq;
  }

  async function saveIfMoved(): Promise<void> {
    if (cursor !== null && cursor > saved) {
      const seq = cursor;
      await saveCursor(db, follower.name, seq);
      saved = seq;
    }
  }

  let saveTimer: NodeJS.Timeout | null = null;
  function saveSoon(): void {
    if (saveTimer || cursor === null || cursor <= saved) return;
    saveTimer = setTimeout(() => {
      saveTimer = null;
      enqueue(saveIfMoved);
    }, lazySaveMs);
    saveTimer.unref();
  }

  async function handleAll(events: readonly EventRow[]): Promise<void> {
    try {
      for (const event of events) {
        if (stopped) break;
        if (event.seq <= (cursor ?? 0)) continue;
        await handleEvent(event);
      }
    } finally {
      saveSoon();
    }
  }

  /** Everything after the cursor, read from the database page by page. */
  async function catchUp(): Promise<void> {
    for (;;) {
      const rows = await readEventsAfter(db, await ready());
      await handleAll(rows);
      if (rows.length < feedPageSize || stopped) return;
    }
  }

  enqueue(catchUp);
  const unsubscribe = deps.hub.subscribe((batch) =>
    enqueue(async () => {
      const after = await ready();
      const fresh = batch.filter((e) => e.seq > after);
      // A batch that does not start right after the cursor leaves a gap: read it from the db.
      if (fresh[0]?.seq === after + 1) await handleAll(fresh);
      else if (fresh.length > 0) await catchUp();
    }),
  );

  return {
    async stop() {
      stopped = true;
      unsubscribe();
      if (saveTimer) clearTimeout(saveTimer);
      await chain; // the event being handled finishes; the rest waits for the next start
      await saveIfMoved().catch((err: unknown) => {
        logger.error({ err, ...log }, 'event follower could not save its cursor on stop');
      });
    },
  };
}
