import { randomInt } from 'node:crypto';
import type { Updateable } from 'kysely';
import { countRows } from '../../../db/queries/count.ts';
import type { Db, WebhookRow, WebhooksTable } from '../../../db/schema.ts';
import { nowIso } from '../../core/clock.ts';
import { notFound } from '../../core/errors.ts';
import type { ListPage } from '../../../common/contract/base.ts';
import { newId } from '../../core/ids.ts';
import { type Ctx, inTransaction } from '../context.ts';
import { newestSeq } from '../events/events.feed.ts';
import { type TargetPolicy, assertTargetAllowed, displayUrl } from './webhooks.targets.ts';
import type {
  DeliveryListParams,
  DeliveryT,
  WebhookCreateInput,
  WebhookListParams,
  WebhookPatchInput,
  WebhookT,
  WebhookWithSecretT,
} from '../../../common/contract/webhooks.ts';

type WebhookUpdate = Updateable<WebhooksTable>;

const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A signing secret: `whsec_` and 32 base62 characters (~190 random bits). */
export function generateWebhookSecret(): string {
  let out = 'whsec_';
  for (let i = 0; i < 32; i++) out += base62[randomInt(62)];
  return out;
}

/** The secret is never part of this: only the create response carries it. */
export function presentWebhook(row: Omit<WebhookRow, 'since_seq'>): WebhookT {
  return {
    id: row.id,
    url: displayUrl(row.url),
    events: JSON.parse(row.events) as string[],
    active: row.active === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

async function findWebhook(db: Db, id: string): Promise<WebhookRow> {
  const row = await db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('webhook', id);
  return row;
}

export async function listWebhooks(
  ctx: Ctx,
  params: WebhookListParams,
): Promise<ListPage<WebhookT>> {
  const { db } = ctx;
  const where = db.selectFrom('webhooks');
  const total = await countRows(where);
  const rows = await where
    .selectAll()
    .orderBy('created_at', params.sortOrder)
    .orderBy('id', params.sortOrder)
    .limit(params.limit)
    .offset(params.offset)
    .execute();
  return { data: rows.map(presentWebhook), meta: { total, limit: params.limit, offset: params.offset } };
}

export async function getWebhook(ctx: Ctx, id: string): Promise<WebhookT> {
  const { db } = ctx;
  return presentWebhook(await findWebhook(db, id));
}

export async function createWebhook(
  ctx: Ctx,
  input: WebhookCreateInput,
  policy: TargetPolicy,
): Promise<WebhookWithSecretT> {
  assertTargetAllowed(input.url, policy);
  const now = nowIso(ctx.clock);
  const row = {
    id: newId('webhook', ctx.clock),
    url: input.url,
    events: JSON.stringify(input.events),
    secret: generateWebhookSecret(),
    active: input.active ? 1 : 0,
    created_at: now,
    updated_at: now,
  };
  // It receives the events committed after it exists: those after the newest seq right now
  // (read in the insert's transaction, so no commit falls between).
  await inTransaction(ctx, async (tx) => {
    await tx.db.insertInto('webhooks').values({ ...row, since_seq: await newestSeq(tx.db) }).execute();
  });
  return { ...presentWebhook(row), secret: row.secret };
}

export async function updateWebhook(
  ctx: Ctx,
  id: string,
  patch: WebhookPatchInput,
  policy: TargetPolicy,
): Promise<WebhookT> {
  const { db } = ctx;
  if (patch.url !== undefined) assertTargetAllowed(patch.url, policy);
  const changes: WebhookUpdate = { updated_at: nowIso(ctx.clock) };
  if (patch.url !== undefined) changes.url = patch.url;
  if (patch.events !== undefined) changes.events = JSON.stringify(patch.events);
  if (patch.active !== undefined) changes.active = patch.active ? 1 : 0;
  const result = await db.updateTable('webhooks').set(changes).where('id', '=', id).executeTakeFirst();
  if (result.numUpdatedRows === 0n) throw notFound('webhook', id);
  return getWebhook(ctx, id);
}

/** Deletes the webhook; its deliveries and their attempts go with it (ON DELETE CASCADE). */
export async function deleteWebhook(ctx: Ctx, id: string): Promise<void> {
  const { db } = ctx;
  const result = await db.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst();
  if (result.numDeletedRows === 0n) throw notFound('webhook', id);
}

/** A webhook's deliveries, newest first by default, each with every attempt made so far. */
export async function listDeliveries(
  ctx: Ctx,
  webhookId: string,
  params: DeliveryListParams,
): Promise<ListPage<DeliveryT>> {
  const { db } = ctx;
  await findWebhook(db, webhookId);
  let where = db
    .selectFrom('webhook_deliveries as d')
    .innerJoin('events as e', 'e.id', 'd.event_id')
    .where('d.webhook_id', '=', webhookId);
  if (params.status) where = where.where('d.status', 'in', params.status);
  const total = await countRows(where);
  const rows = await where
    .select([
      'd.id',
      'd.event_id',
      'e.type as event_type',
      'd.status',
      'd.next_attempt_at',
      'd.created_at',
      'd.updated_at',
    ])
    .orderBy('d.seq', params.sortOrder)
    .limit(params.limit)
    .offset(params.offset)
    .execute();
  const ids = rows.map((r) => r.id);
  const attempts =
    ids.length === 0
      ? []
      : await db
          .selectFrom('webhook_attempts')
          .selectAll()
          .where('delivery_id', 'in', ids)
          .orderBy('delivery_id')
          .orderBy('attempt')
          .execute();
  const byDelivery = new Map<string, DeliveryT['attempts']>();
  for (const a of attempts) {
    const list = byDelivery.get(a.delivery_id) ?? [];
    list.push({
      attempt: a.attempt,
      statusCode: a.status_code,
      error: a.error,
      durationMs: a.duration_ms,
      createdAt: a.created_at,
    });
    byDelivery.set(a.delivery_id, list);
  }
  const data = rows.map((r) => ({
    id: r.id,
    eventId: r.event_id,
    eventType: r.event_type,
    status: r.status,
    attempts: byDelivery.get(r.id) ?? [],
    nextAttemptAt: r.status === 'pending' ? r.next_attempt_at : null,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }));
  return { data, meta: { total, limit: params.limit, offset: params.offset } };
}
