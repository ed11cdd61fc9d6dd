// What tells a server's hub that another server committed events: PostgreSQL's LISTEN/NOTIFY.
// Each insert into `events` notifies channel `localdesk_events` with its highest seq, delivered
// when (and only if) the transaction commits (migration 2026112403). The notification only says
// "look": the hub reads the events themselves from the table after its last seq, so a lost or
// merged notification costs nothing but a moment, and the order is the table's.
import type { Logger } from 'pino';
import type pg from 'pg';
import type { PostgresHandle } from '../../db/postgres.ts';

export interface CommitListener {
  close(): Promise<void>;
}

const channel = 'localdesk_events';
/** Reconnection delays after the listening connection is lost (the server restarted). */
const retryMs = [100, 500, 1_000, 2_000, 5_000];

/**
 * Keeps one connection LISTENing and calls `onCommit` for every notification, and once more
 * after each (re)connection: whatever committed while nobody listened is read then.
 * Resolves once the first LISTEN is in place (or has failed and is being retried).
 */
export async function listenForCommits(postgres: PostgresHandle, logger: Logger, onCommit: () => void): Promise<CommitListener> {
  let client: pg.Client | null = null;
  let closed = false;
  let failures = 0;
  let retry: NodeJS.Timeout | null = null;

  const reconnectLater = () => {
    if (closed || retry) return;
    const delay = retryMs[Math.min(failures, retryMs.length - 1)] ?? 5_000;
    failures++;
    retry = setTimeout(() => {
      retry = null;
      void connect();
    }, delay);
    retry.unref();
  };

  async function connect(): Promise<void> {
    const next = postgres.newClient('localdesk-events');
    next.on('notification', () => onCommit());
    next.on('error', (err) => {
      logger.warn({ err }, 'event notifications: connection lost; reconnecting');
      if (client === next) client = null;
      next.end().catch(() => undefined);
      reconnectLater();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${channel}`);
    } catch (err) {
      logger.warn({ err }, 'event notifications: cannot listen yet; retrying');
      next.end().catch(() => undefined);
      reconnectLater();
      return;
    }
    if (closed) {
      await next.end().catch(() => undefined);
      return;
    }
    client = next;
    failures = 0;
    onCommit();
  }

  await connect();
  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      const current = client;
      client = null;
      await current?.end().catch(() => undefined);
    },
  };
}
