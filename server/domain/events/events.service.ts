import { sql } from 'kysely';
import { countRows } from '../../../db/queries/count.ts';
import type { Db } from '../../../db/schema.ts';
import { invalidField, notFound } from '../../core/errors.ts';
import type { CustomEventInput, EventListParams, EventT } from '../../../common/contract/events.ts';
import type { ListPage } from '../../../common/contract/base.ts';
import { type Ctx, inTransaction } from '../context.ts';
import { presentEvent } from './events.presenter.ts';
import { recordEvent } from './events.record.ts';
import { readableEventsCondition } from './events.visibility.ts';

/** The seq of an event id, or a 400 naming `field` when there is no such event. */
export async function seqOf(db: Db, eventId: string, field: string): Promise<number> {
  const row = await db.selectFrom('events').select('seq').where('id', '=', eventId).executeTakeFirst();
  if (!row) throw invalidField(field, `no event ${eventId}`);
  return row.seq;
}

/** SQL for a list of type patterns (`ticket.created`, `ticket.*`, `*`). */
export function typeCondition(patterns: readonly string[]) {
  if (patterns.includes('*')) return sql<boolean>`1 = 1`;
  const parts = patterns.map((p) =>
    p.endsWith('.*') ? sql`type like ${`${p.slice(0, -1)}%`}` : sql`type = ${p}`,
  );
  return sql<boolean>`(${sql.join(parts, sql` or `)})`;
}

/** The events this context's actor may read (events.visibility.ts). */
function readableEvents(ctx: Ctx) {
  const where = ctx.db.selectFrom('events');
  const readable = readableEventsCondition(ctx.actor, ctx.db);
  return readable ? where.where(readable) : where;
}

export async function listEvents(ctx: Ctx, params: EventListParams): Promise<ListPage<EventT>> {
  const { db } = ctx;
  let where = readableEvents(ctx);
  if (params.type) where = where.where(typeCondition(params.type));
  if (params.resourceId) where = where.where('resource_id', '=', params.resourceId);
  if (params.after) where = where.where('seq', '>', await seqOf(db, params.after, 'after'));
  const total = await countRows(where);
  const rows = await where
    .selectAll()
    .orderBy('seq', params.sortOrder)
    .limit(params.limit)
    .offset(params.offset)
    .execute();
  return { data: rows.map(presentEvent), meta: { total, limit: params.limit, offset: params.offset } };
}

/** One event; not found as well when the actor may not read it (its existence is no news). */
export async function getEvent(ctx: Ctx, id: string): Promise<EventT> {
  const row = await readableEvents(ctx).selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('event', id);
  return presentEvent(row);
}

/** `custom.*` events let integrations trigger workflows and webhooks. */
export async function createCustomEvent(ctx: Ctx, input: CustomEventInput): Promise<EventT> {
  const size = Buffer.byteLength(JSON.stringify(input.data));
  if (size > 64 * 1024) throw invalidField('data', `must be at most 64 KiB of JSON (got ${size} bytes)`);
  const id = await inTransaction(ctx, (tx) =>
    recordEvent(tx, { type: input.type, resourceType: 'custom', resourceId: null, data: input.data }),
  );
  return getEvent(ctx, id);
}
