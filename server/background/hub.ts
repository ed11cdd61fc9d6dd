import type { Logger } from 'pino';
import { postgresHandleOf } from '../../db/postgres.ts';
import type { Db, EventRow } from '../../db/schema.ts';
import { feedPageSize, newestSeq, readEventsAfter } from '../domain/events/events.feed.ts';
import { type CommitListener, listenForCommits } from './hub.postgres.ts';

export type EventListener = (events: readonly EventRow[]) => void;

/**
 * Fans committed events out to live listeners (SSE streams, the workflow engine, the webhook
 * worker). After a write, `notify()` runs one query for events newer than the last dispatched
 * one and hands the batch to every listener: the cost of a write does not grow with the number
 * of open streams. Listeners that fall behind read the gap from the database themselves.
 * On PostgreSQL, commits made by other servers on the same database wake it too (LISTEN/NOTIFY,
 * hub.postgres.ts), so a stream on any server sees every server's writes.
 */
export class EventHub {
  private lastSeq = 0;
  private readonly listeners = new Set<EventListener>();
  private running: Promise<void> | null = null;
  private pending = false;
  private closed = false;
  private readonly closers = new Set<() => void>();
  private remote: CommitListener | null = null;

  constructor(
    private readonly db: Db,
    private readonly logger: Logger,
  ) {}

  async init(): Promise<void> {
    this.lastSeq = await newestSeq(this.db);
    const postgres = postgresHandleOf(this.db);
    if (postgres) this.remote = await listenForCommits(postgres, this.logger, () => void this.notify());
  }

  /** The seq of the newest event dispatched so far. */
  get seq(): number {
    return this.lastSeq;
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Something may have been committed: dispatch whatever is new. Never throws. */
  notify(): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.running) {
      this.pending = true;
      return this.running;
    }
    this.running = this.drain().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async drain(): Promise<void> {
    do {
      this.pending = false;
      try {
        for (;;) {
          const batch = await readEventsAfter(this.db, this.lastSeq);
          if (batch.length === 0) break;
          this.lastSeq = batch[batch.length - 1]?.seq ?? this.lastSeq;
          for (const listener of this.listeners) {
            try {
              listener(batch);
            } catch (err) {
              this.logger.error({ err }, 'event listener failed');
            }
          }
          if (batch.length < feedPageSize) break;
        }
      } catch (err) {
        this.logger.error({ err }, 'event dispatch failed');
      }
    } while (this.pending && !this.closed);
  }

  /** Called once when the hub closes (server shutdown): open streams end themselves. */
  onClose(closer: () => void): () => void {
    this.closers.add(closer);
    return () => this.closers.delete(closer);
  }

  /** Ends open streams and stops listening to other servers' commits. */
  async close(): Promise<void> {
    this.closed = true;
    this.listeners.clear();
    for (const closer of this.closers) closer();
    this.closers.clear();
    const remote = this.remote;
    this.remote = null;
    await remote?.close();
  }
}
