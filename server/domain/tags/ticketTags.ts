// A ticket's tags: stored as links to the tags table, shown as a sorted list of names.
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database, TagRow } from '../../../db/schema.ts';
import type { Clock } from '../../core/clock.ts';
import type { Actor } from '../events/events.record.ts';
import { newId } from '../../core/ids.ts';
import { recordTagCreated } from './tags.service.ts';

/** The tag names of ticket `alias` as a JSON array (unordered: the presenter sorts them). */
export function tagNamesSql(alias: string): RawBuilder<string> {
  return sql<string>`(select json_group_array(g.name) from ticket_tags tt
    join tags g on g.id = tt.tag_id where tt.ticket_id = ${sql.ref(`${alias}.id`)})`;
}

/**
 * The ids of these tag names, creating the ones that do not exist yet (tagging just works). A
 * tag created here records tag.created like one made by POST /tags, with the tagging actor.
 */
export async function ensureTags(
  trx: Kysely<Database>,
  clock: Clock,
  actor: Actor,
  names: readonly string[],
  now: string,
): Promise<string[]> {
  const unique = [...new Set(names)];
  if (unique.length === 0) return [];
  const existing = await trx.selectFrom('tags').select(['id', 'name']).where('name', 'in', unique).execute();
  const byName = new Map(existing.map((t) => [t.name, t.id]));
  const missing = unique.filter((name) => !byName.has(name));
  if (missing.length > 0) {
    const rows: TagRow[] = missing.map((name) => ({ id: newId('tag', clock), name, color: null, created_at: now, updated_at: now }));
    await trx.insertInto('tags').values(rows).execute();
    for (const row of rows) {
      byName.set(row.name, row.id);
      await recordTagCreated(trx, clock, actor, row);
    }
  }
  return unique.map((name) => byName.get(name) as string);
}

/** Replaces the ticket's tag set with these names. */
export async function setTicketTags(
  trx: Kysely<Database>,
  clock: Clock,
  actor: Actor,
  ticketId: string,
  names: readonly string[],
  now: string,
): Promise<void> {
  const tagIds = await ensureTags(trx, clock, actor, names, now);
  await trx.deleteFrom('ticket_tags').where('ticket_id', '=', ticketId).execute();
  if (tagIds.length > 0) {
    await trx
      .insertInto('ticket_tags')
      .values(tagIds.map((tagId) => ({ ticket_id: ticketId, tag_id: tagId })))
      .execute();
  }
}
