import { sql } from 'kysely';
import { countRows } from '../../../db/queries/count.ts';
import { escapeLike } from '../../../db/queries/like.ts';
import type { Db, TagRow, TagsTable } from '../../../db/schema.ts';
import { nowIso } from '../../core/clock.ts';
import { conflict, notFound } from '../../core/errors.ts';
import type { ListPage } from '../../../common/contract/base.ts';
import { newId } from '../../core/ids.ts';
import { recordEvent, recordUpdated } from '../events/events.record.ts';
import { type Ctx, inTransaction } from '../context.ts';
import type { TagCreateInput, TagListParams, TagPatchInput, TagT } from '../../../common/contract/tags.ts';

type TagReadRow = TagRow & { ticket_count: number };

/** Tickets carrying tag `g`: served by the ticket_tags_tag index (tag_id first). */
const ticketCountSql = sql<number>`(select count(*) from ticket_tags tt where tt.tag_id = g.id)`;

export function presentTag(row: TagReadRow): TagT {
  return {
    id: row.id,
    name: row.name,
    color: row.color,
    ticketCount: row.ticket_count,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const sortColumns = {
  createdAt: sql`g.created_at`,
  name: sql`g.name`,
  ticketCount: sql`ticket_count`,
} as const;

export async function listTags(ctx: Ctx, params: TagListParams): Promise<ListPage<TagT>> {
  const { db } = ctx;
  let where = db.selectFrom('tags as g');
  // Names are stored lower-case and the search is lower-cased, so a plain LIKE matches any case
  // on both engines (SQLite's LIKE ignores case, PostgreSQL's does not).
  if (params.search) {
    where = where.where(sql<boolean>`g.name like ${`%${escapeLike(params.search)}%`} escape '\\'`);
  }
  const total = await countRows(where);

  // Ids (time-sortable) break ties in the same direction, so pages never overlap or skip.
  const direction = params.sortOrder;
  const rows = await where
    .selectAll('g')
    .select(ticketCountSql.as('ticket_count'))
    .orderBy(sortColumns[params.sortBy], direction)
    .orderBy('g.id', direction)
    .limit(params.limit)
    .offset(params.offset)
    .execute();
  return { data: rows.map(presentTag), meta: { total, limit: params.limit, offset: params.offset } };
}

export async function getTag(ctx: Ctx, id: string): Promise<TagT> {
  const { db } = ctx;
  const row = await db
    .selectFrom('tags as g')
    .selectAll('g')
    .select(ticketCountSql.as('ticket_count'))
    .where('g.id', '=', id)
    .executeTakeFirst();
  if (!row) throw notFound('tag', id);
  return presentTag(row);
}

/** Names are unique (stored lower-case): a 409 naming the tag rather than the constraint's. */
async function assertNameFree(trx: Db, name: string, exceptId?: string): Promise<void> {
  let query = trx.selectFrom('tags').select('id').where('name', '=', name);
  if (exceptId) query = query.where('id', '!=', exceptId);
  const taken = await query.executeTakeFirst();
  if (taken) throw conflict(`a tag named ${name} already exists`, { field: 'name', tagId: taken.id });
}

/**
 * Records tag.created for a tag just inserted, in the caller's transaction: by POST /tags, or
 * implicitly when a ticket is tagged with a name no tag has yet (a new tag is on no ticket).
 */
export async function recordTagCreated(ctx: Ctx, row: TagRow): Promise<void> {
  await recordEvent(ctx, {
    type: 'tag.created',
    resourceType: 'tag',
    resourceId: row.id,
    data: { tag: presentTag({ ...row, ticket_count: 0 }) },
  });
}

export async function createTag(ctx: Ctx, input: TagCreateInput): Promise<TagT> {
  const now = nowIso(ctx.clock);
  const row: TagRow = {
    id: newId('tag', ctx.clock),
    name: input.name,
    color: input.color ?? null,
    created_at: now,
    updated_at: now,
  };
  await inTransaction(ctx, async (tx) => {
    const trx = tx.db;
    await assertNameFree(trx, input.name);
    await trx.insertInto('tags').values(row).execute();
    await recordTagCreated(tx, row);
  });
  return presentTag({ ...row, ticket_count: 0 });
}

/**
 * Renames or recolours a tag; tickets refer to it by id, so a rename shows on all of them.
 * tag.updated names the fields whose value changed; a patch that changes nothing records none.
 */
export async function updateTag(
  ctx: Ctx,
  id: string,
  patch: TagPatchInput,
): Promise<TagT> {
  await inTransaction(ctx, async (tx) => {
    const trx = tx.db;
    const before = await getTag(tx, id);
    if (patch.name !== undefined) await assertNameFree(trx, patch.name, id);

    const changes: Partial<TagsTable> = { updated_at: nowIso(ctx.clock) };
    if (patch.name !== undefined) changes.name = patch.name;
    if (patch.color !== undefined) changes.color = patch.color;
    await trx.updateTable('tags').set(changes).where('id', '=', id).execute();

    const after = await getTag(tx, id);
    await recordUpdated(tx, {
      resourceType: 'tag',
      resourceId: id,
      key: 'tag',
      before,
      after,
      fields: ['name', 'color'],
    });
  });
  return getTag(ctx, id);
}

/**
 * Deletes a tag; the ticket_tags foreign key (ON DELETE CASCADE) takes it off every ticket.
 * tag.deleted carries the tag as it was (its name, and on how many tickets it was): once it is
 * gone, its id alone tells a listener nothing.
 */
export async function deleteTag(ctx: Ctx, id: string): Promise<void> {
  await inTransaction(ctx, async (tx) => {
    const trx = tx.db;
    const tag = await getTag(tx, id);
    await trx.deleteFrom('tags').where('id', '=', id).execute();
    await recordEvent(tx, {
      type: 'tag.deleted',
      resourceType: 'tag',
      resourceId: id,
      data: { tag },
    });
  });
}
