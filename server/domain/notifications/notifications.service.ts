// A person's notifications: stored per user, listed newest first, marked read. Each user sees
// only their own: another user's notification is simply not there (404).
import { notificationKinds } from '../../../common/contract/notifications.ts';
import type {
  NotificationKindT,
  NotificationListParams,
  NotificationPrefsPatchInput,
  NotificationPrefsT,
  NotificationT,
} from '../../../common/contract/notifications.ts';
import type { ListPage } from '../../../common/contract/base.ts';
import { countRows } from '../../../db/queries/count.ts';
import type { Db, NotificationRow } from '../../../db/schema.ts';
import { nowIso } from '../../core/clock.ts';
import { AppError, notFound } from '../../core/errors.ts';
import { type Ctx, inTransaction } from '../context.ts';

export function presentNotification(row: NotificationRow): NotificationT {
  return {
    id: row.id,
    kind: row.kind,
    ticketId: row.ticket_id,
    title: row.title,
    body: row.body,
    actorUserId: row.actor_user_id,
    read: row.read_at !== null,
    readAt: row.read_at,
    createdAt: row.created_at,
  };
}

/** Notifications belong to a person: a credential with no user behind it has none. */
function ownerOf(ctx: Ctx): string {
  if (!ctx.actor.userId) throw new AppError('FORBIDDEN', 'notifications belong to a user; this caller has none');
  return ctx.actor.userId;
}

export async function listNotifications(ctx: Ctx, params: NotificationListParams): Promise<ListPage<NotificationT>> {
  let where = ctx.db.selectFrom('notifications').where('user_id', '=', ownerOf(ctx));
  if (params.unread !== undefined) where = where.where('read_at', params.unread ? 'is' : 'is not', null);
  if (params.kind) where = where.where('kind', 'in', params.kind);
  const total = await countRows(where);
  const rows = await where
    .selectAll()
    .orderBy('created_at', params.sortOrder)
    .orderBy('id', params.sortOrder)
    .limit(params.limit)
    .offset(params.offset)
    .execute();
  return { data: rows.map(presentNotification), meta: { total, limit: params.limit, offset: params.offset } };
}

export async function getNotification(ctx: Ctx, id: string): Promise<NotificationT> {
  const row = await ctx.db
    .selectFrom('notifications')
    .selectAll()
    .where('id', '=', id)
    .where('user_id', '=', ownerOf(ctx))
    .executeTakeFirst();
  if (!row) throw notFound('notification', id);
  return presentNotification(row);
}

export async function markNotification(ctx: Ctx, id: string, read: boolean): Promise<NotificationT> {
  return inTransaction(ctx, async (tx) => {
    const current = await getNotification(tx, id);
    if (current.read === read) return current;
    await tx.db
      .updateTable('notifications')
      .set({ read_at: read ? nowIso(tx.clock) : null })
      .where('id', '=', id)
      .execute();
    return getNotification(tx, id);
  });
}

export async function markAllRead(ctx: Ctx): Promise<{ updated: number }> {
  return inTransaction(ctx, async (tx) => {
    const result = await tx.db
      .updateTable('notifications')
      .set({ read_at: nowIso(tx.clock) })
      .where('user_id', '=', ownerOf(tx))
      .where('read_at', 'is', null)
      .executeTakeFirst();
    return { updated: Number(result.numUpdatedRows) };
  });
}

const defaultPrefs: NotificationPrefsT = { kinds: [...notificationKinds], browser: false };

export async function getPrefs(ctx: Ctx): Promise<NotificationPrefsT> {
  const row = await ctx.db.selectFrom('notification_prefs').selectAll().where('user_id', '=', ownerOf(ctx)).executeTakeFirst();
  if (!row) return defaultPrefs;
  return { kinds: JSON.parse(row.kinds) as NotificationKindT[], browser: row.browser === 1 };
}

export async function updatePrefs(ctx: Ctx, patch: NotificationPrefsPatchInput): Promise<NotificationPrefsT> {
  const userId = ownerOf(ctx);
  const current = await getPrefs(ctx);
  const next: NotificationPrefsT = {
    kinds: patch.kinds ? notificationKinds.filter((k) => patch.kinds?.includes(k)) : current.kinds,
    browser: patch.browser ?? current.browser,
  };
  const values = { kinds: JSON.stringify(next.kinds), browser: next.browser ? 1 : 0, updated_at: nowIso(ctx.clock) };
  await inTransaction(ctx, (tx) =>
    tx.db
      .insertInto('notification_prefs')
      .values({ user_id: userId, ...values })
      .onConflict((oc) => oc.column('user_id').doUpdateSet(values))
      .execute(),
  );
  return next;
}

/** Which of these users want notifications of this kind (no preferences saved: all kinds). */
export async function usersWanting(db: Db, userIds: readonly string[], kind: NotificationKindT): Promise<Set<string>> {
  if (userIds.length === 0) return new Set();
  const rows = await db.selectFrom('notification_prefs').select(['user_id', 'kinds']).where('user_id', 'in', userIds).execute();
  const saved = new Map(rows.map((r) => [r.user_id, JSON.parse(r.kinds) as string[]]));
  return new Set(userIds.filter((id) => saved.get(id)?.includes(kind) ?? true));
}

/** Stores notifications; one whose dedupe key exists already is skipped. Returns those stored. */
export async function insertNotifications(db: Db, rows: readonly NotificationRow[]): Promise<NotificationRow[]> {
  const stored: NotificationRow[] = [];
  for (const row of rows) {
    const result = await db
      .insertInto('notifications')
      .values(row)
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .executeTakeFirst();
    if (Number(result.numInsertedOrUpdatedRows ?? 0) > 0) stored.push(row);
  }
  return stored;
}
