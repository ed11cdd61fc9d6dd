// The notifier: follows the event feed (a durable cursor, 'notifications') and stores the
// notifications each event causes in the same transaction as the cursor, so none is lost or made
// twice across a crash; then tells the recipients' open streams (the live channel, to that user
// only). A timer looks for tickets about to breach their SLA, each due time notified once.
import type { EventRow, NotificationRow } from '../../db/schema.ts';
import type { Deps } from '../deps.ts';
import { presentNotification, insertNotifications } from '../domain/notifications/notifications.service.ts';
import { dueSoonSlaNotifications, notificationsFor } from '../domain/notifications/notifications.rules.ts';
import { type CursorWork, startFollower } from './follower.ts';
import type { BackgroundTask } from './task.ts';

export function startNotifier(deps: Deps): BackgroundTask {
  const { db, clock, logger } = deps;
  let committed: NotificationRow[] = [];
  const tell = (rows: readonly NotificationRow[]) => {
    for (const row of rows) deps.live.publish({ type: 'notification', userId: row.user_id, data: presentNotification(row) });
  };

  async function handle(event: EventRow): Promise<CursorWork | null> {
    const rows = await notificationsFor(db, clock, event);
    if (rows.length === 0) return null;
    return async (trx) => {
      committed = await insertNotifications(trx, rows);
    };
  }
  const follower = startFollower(deps, {
    name: 'notifications',
    handle,
    committed: () => {
      tell(committed);
      committed = [];
    },
  });

  let running = false;
  const checkSla = async () => {
    if (running) return;
    running = true;
    try {
      const rows = await dueSoonSlaNotifications(db, clock);
      if (rows.length > 0) tell(await insertNotifications(db, rows));
    } catch (err) {
      logger.error({ err }, 'notifier: the SLA check failed; it runs again at the next tick');
    } finally {
      running = false;
    }
  };
  const timer = setInterval(() => void checkSla(), deps.config.slaNotifyCheckMs);
  timer.unref();
  void checkSla();

  return {
    async stop() {
      clearInterval(timer);
      await follower.stop();
    },
  };
}
