// GET /tickets?search= on SQLite: the FTS5 index (rowid = the ticket's seq).
import { sql } from 'kysely';
import { countFtsMatches } from '../../../db/queries/ftsCount.ts';
import { toFtsQuery } from '../../../db/fts.ts';
import type { Db } from '../../../db/schema.ts';
import { type TicketSearch, filterNames, onlyFilter } from './tickets.filters.ts';

/** Below this many search matches, fetching them by key and sorting beats walking an index. */
const directLookupLimit = 500;

/** True while every ticket's seq order is its creation order (migration 2026112406). */
async function seqIsCreatedOrder(db: Db): Promise<boolean> {
  const row = await db.selectFrom('ticket_order').select('seq_is_created_order').executeTakeFirst();
  return row?.seq_is_created_order === 1;
}

export const searchTicketsSqlite: TicketSearch = async (db, params, where) => {
  const match = toFtsQuery(params.search);
  if (!match) return null;
  const matches = await countFtsMatches(db, 'ticket_fts', match);
  const total = onlyFilter(params, 'search') ? matches : null;
  const set = sql<number>`(select rowid from ticket_fts where ticket_fts match ${match})`;
  let pageSeqs: number[] | null = null;
  if (
    params.sortBy === 'createdAt' &&
    filterNames.every((f) => f === 'search' || f === 'status' || params[f] === undefined) &&
    (await seqIsCreatedOrder(db))
  ) {
    // The index's rowid is the ticket's seq, and seq order is creation order: read the
    // matches newest (or oldest) first from the index and stop after the page.
    let byIndex = db
      .selectFrom(sql.table('ticket_fts').as('f'))
      .crossJoin('tickets as t')
      .select('t.seq')
      .where(sql<boolean>`t.seq = f.rowid and f.ticket_fts match ${match}`);
    if (params.status) byIndex = byIndex.where('t.status', 'in', params.status);
    const rows = await byIndex
      .orderBy(sql`f.rowid`, params.sortOrder)
      .limit(params.limit)
      .offset(params.offset)
      .execute();
    pageSeqs = rows.map((r) => r.seq);
  }
  // Few matches: look them up by key and sort them. Many: walk the sort index and keep the
  // rows in the match set (the unary + stops SQLite driving the query from the set), which
  // stops after one page instead of sorting every match.
  const narrowed =
    matches <= directLookupLimit || pageSeqs
      ? where.where('t.seq', 'in', set)
      : where.where(sql<boolean>`+t.seq in ${set}`);
  return { where: narrowed, total, pageSeqs };
};
