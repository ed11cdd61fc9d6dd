// Saved views: an agent's named ticket filters. Each belongs to one user; another user's view is
// simply not there (404), whoever asks.
import { sql } from 'kysely';
import { countRows } from '../../../db/queries/count.ts';
import type { ViewRow } from '../../../db/schema.ts';
import type { ListPage } from '../../../common/contract/base.ts';
import type { ViewCreateInput, ViewFiltersT, ViewListParams, ViewPatchInput, ViewT } from '../../../common/contract/views.ts';
import { nowIso } from '../../core/clock.ts';
import { AppError, conflict, notFound } from '../../core/errors.ts';
import { newId } from '../../core/ids.ts';
import { type Ctx, inTransaction } from '../context.ts';
import { recordEvent, recordUpdated } from '../events/events.record.ts';

export function presentView(row: ViewRow): ViewT {
  return {
    id: row.id,
    name: row.name,
    // Written only by this module, from validated ViewFilters.
    filters: JSON.parse(row.filters) as ViewFiltersT,
    sortBy: row.sort_by,
    sortOrder: row.sort_order,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Views belong to a person: a credential with no user behind it has none. */
function ownerOf(ctx: Ctx): string {
  if (!ctx.actor.userId) throw new AppError('FORBIDDEN', 'saved views belong to a user; this caller has none');
  return ctx.actor.userId;
}

function ownViews(ctx: Ctx) {
  return ctx.db.selectFrom('views').where('user_id', '=', ownerOf(ctx));
}

export async function listViews(ctx: Ctx, params: ViewListParams): Promise<ListPage<ViewT>> {
  const where = ownViews(ctx);
  const total = await countRows(where);
  const order = params.sortBy === 'name' ? sql`lower(name)` : sql`created_at`;
  const rows = await where
    .selectAll()
    .orderBy(order, params.sortOrder)
    .orderBy('id', params.sortOrder)
    .limit(params.limit)
    .offset(params.offset)
    .execute();
  return { data: rows.map(presentView), meta: { total, limit: params.limit, offset: params.offset } };
}

export async function getView(ctx: Ctx, id: string): Promise<ViewT> {
  const row = await ownViews(ctx).selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw notFound('view', id);
  return presentView(row);
}

/** Names are unique per user whatever their case: "Billing" and "billing" would confuse. */
async function assertNameFree(ctx: Ctx, name: string, exceptId?: string): Promise<void> {
  let query = ownViews(ctx).select('id').where(sql<boolean>`lower(name) = lower(${name})`);
  if (exceptId) query = query.where('id', '!=', exceptId);
  const taken = await query.executeTakeFirst();
  if (taken) throw conflict(`you already have a view named ${name}`, { field: 'name', viewId: taken.id });
}

export async function createView(ctx: Ctx, input: ViewCreateInput): Promise<ViewT> {
  const now = nowIso(ctx.clock);
  const row: ViewRow = {
    id: newId('view', ctx.clock),
    user_id: ownerOf(ctx),
    name: input.name,
    filters: JSON.stringify(input.filters),
    sort_by: input.sortBy,
    sort_order: input.sortOrder,
    created_at: now,
    updated_at: now,
  };
  const view = presentView(row);
  await inTransaction(ctx, async (tx) => {
    await assertNameFree(tx, input.name);
    await tx.db.insertInto('views').values(row).execute();
    await recordEvent(tx, { type: 'view.created', resourceType: 'view', resourceId: row.id, data: { view, userId: row.user_id } });
  });
  return view;
}

export async function updateView(ctx: Ctx, id: string, patch: ViewPatchInput): Promise<ViewT> {
  return inTransaction(ctx, async (tx) => {
    const before = await getView(tx, id);
    if (patch.name !== undefined) await assertNameFree(tx, patch.name, id);
    await tx.db
      .updateTable('views')
      .set({
        updated_at: nowIso(tx.clock),
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.filters !== undefined ? { filters: JSON.stringify(patch.filters) } : {}),
        ...(patch.sortBy !== undefined ? { sort_by: patch.sortBy } : {}),
        ...(patch.sortOrder !== undefined ? { sort_order: patch.sortOrder } : {}),
      })
      .where('id', '=', id)
      .execute();
    const after = await getView(tx, id);
    await recordUpdated(tx, { resourceType: 'view', resourceId: id, key: 'view', before, after });
    return after;
  });
}

export async function deleteView(ctx: Ctx, id: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const view = await getView(tx, id);
    await tx.db.deleteFrom('views').where('id', '=', id).execute();
    await recordEvent(tx, { type: 'view.deleted', resourceType: 'view', resourceId: id, data: { view, userId: tx.actor.userId } });
  });
}
