// A ticket's tags: stored as links to the tags table, shown as a sorted list of names.
import { type RawBuilder, sql } from 'kysely';
import { dialectOf } from '../../../db/dialect.ts';
import type { Db, TagRow } from '../../../db/schema.ts';
import { newId } from '../../core/ids.ts';
import type { Ctx } from '../context.ts';
import { recordTagCreated } from './tags.service.ts';

/** The tag names of ticket `alias` as a JSON array (unordered: the presenter sorts them). */
export function tagNamesSql(db: Db, alias: string): RawBuilder<string> {
  return sql<string>`(select ${dialectOf(db).jsonArrayAgg(sql.ref('g.name'))} from ticket_tags tt
    join tags g on g.id = tt.tag_id where tt.ticket_id = ${sql.ref(`${alias}.id`)})`;
}

/** Names of the tags carried by any of these tickets. */
export async function tagNamesOf(db: Db, ticketIds: readonly string[]): Promise<string[]> {
  if (ticketIds.length === 0) return [];
  const rows = await db
    .selectFrom('ticket_tags as tt')
    .innerJoin('tags as g', 'g.id', 'tt.tag_id')
    .select('g.name')
    .distinct()
    .where('tt.ticket_id', 'in', ticketIds)
    .execute();
  return rows.map((row) => row.name);
}

/**
 * The ids of these tag names, creating the ones that do not exist yet (tagging just works). A
 * tag created here records tag.created like one made by POST /tags, with the tagging actor.
 */
export async function ensureTags(ctx: Ctx, names: readonly string[], now: string): Promise<string[]> {
  const unique = [...new Set(names)];
  if (unique.length === 0) return [];
  const existing = await ctx.db.selectFrom('tags').select(['id', 'name']).where('name', 'in', unique).execute();
  const byName = new Map(existing.map((t) => [t.name, t.id]));
  const missing = unique.filter((name) => !byName.has(name));
  if (missing.length > 0) {
    const rows: TagRow[] = missing.map((name) => ({
      id: newId('tag', ctx.clock),
      name,
      color: null,
      created_at: now,
      updated_at: now,
    }));
    await ctx.db.insertInto('tags').values(rows).execute();
    for (const row of rows) {
      byName.set(row.name, row.id);
      await recordTagCreated(ctx, row);
    }
  }
  return unique.map((name) => byName.get(name) as string);
}

/** Replaces the ticket's tag set with these names. */
export async function setTicketTags(ctx: Ctx, ticketId: string, names: readonly string[], now: string): Promise<void> {
  const tagIds = await ensureTags(ctx, names, now);
  await ctx.db.deleteFrom('ticket_tags').where('ticket_id', '=', ticketId).execute();
  if (tagIds.length > 0) {
    await ctx.db
      .insertInto('ticket_tags')
      .values(tagIds.map((tagId) => ({ ticket_id: ticketId, tag_id: tagId })))
      .execute();
  }
}

/** Adds these names to the ticket's tags (creating unknown ones); tags it has stay. */
export async function addTicketTags(ctx: Ctx, ticketId: string, names: readonly string[], now: string): Promise<void> {
  if (names.length === 0) return;
  const tagIds = await ensureTags(ctx, names, now);
  await ctx.db
    .insertInto('ticket_tags')
    .values(tagIds.map((tagId) => ({ ticket_id: ticketId, tag_id: tagId })))
    .onConflict((oc) => oc.doNothing())
    .execute();
}

/** Removes these names from the ticket's tags; names it does not carry are ignored. */
export async function removeTicketTags(ctx: Ctx, ticketId: string, names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  await ctx.db
    .deleteFrom('ticket_tags')
    .where('ticket_id', '=', ticketId)
    .where('tag_id', 'in', (eb) => eb.selectFrom('tags').select('id').where('name', 'in', [...names]))
    .execute();
}
