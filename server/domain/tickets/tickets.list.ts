// GET /tickets: the inbox's hot path. Every filter and sort is index-backed (test/db plans), and
// the page is read the cheapest way for its shape: the prepared inbox page near the start, one
// query otherwise, or seqs first from the sort index at deep offsets; searches sorted by date
// read the full-text index in rowid order while that equals creation order.
import { sql } from 'kysely';
import { countRows } from '../../../db/queries/count.ts';
import { countFtsMatches } from '../../../db/queries/ftsCount.ts';
import { prepared } from '../../../db/prepared.ts';
import { toFtsQuery } from '../../../db/fts.ts';
import type { Db, TicketRow } from '../../../db/schema.ts';
import type { ListPage } from '../../../common/contract/base.ts';
import type { TicketListParams, TicketT } from '../../../common/contract/tickets.ts';
import { ticketStatuses } from '../../../common/rules/tickets.ts';
import { nowIso } from '../../core/clock.ts';
import type { Ctx } from '../context.ts';
import { slaBreachedSql, slaDueSoonSql } from '../sla/sla.sql.ts';
import { type TicketReadRow, presentTicket, presentationColumns } from './tickets.presenter.ts';
import { ticketsBySeq } from './tickets.read.ts';

const sortColumns = {
  createdAt: ['t.created_at'],
  updatedAt: ['t.updated_at'],
  priority: ['t.priority_rank', 't.created_at'],
  status: ['t.status_rank', 't.created_at'],
} as const;

const filterNames = ['status', 'priority', 'assignedTo', 'contactId', 'projectId', 'tag', 'sla', 'search', 'externalId'] as const;

/** True when no filter but (optionally) `name` is set: its total has a cheaper source. */
function onlyFilter(params: TicketListParams, name: (typeof filterNames)[number]): boolean {
  return filterNames.every((f) => f === name || params[f] === undefined);
}

/** Below this many search matches, fetching them by key and sorting beats walking an index. */
const directLookupLimit = 500;

/** `statuses` is a JSON array: one compiled statement for every combination (db/prepared.ts). */
const sumOfCounts = prepared((db: Db, statuses: string) =>
  db
    .selectFrom('ticket_counts')
    .select((eb) => eb.fn.sum<number>('n').as('total'))
    .where('status', 'in', sql<TicketRow['status']>`(select value from json_each(${statuses}))`),
);

async function countByStatus(db: Db, statuses: readonly TicketRow['status'][] | undefined) {
  const [row] = await sumOfCounts(db, JSON.stringify(statuses ?? ticketStatuses));
  return Number(row?.total ?? 0);
}

/** True while every ticket's seq order is its creation order (migration 2026112406). */
async function seqIsCreatedOrder(db: Db): Promise<boolean> {
  const row = await db.selectFrom('ticket_order').select('seq_is_created_order').executeTakeFirst();
  return row?.seq_is_created_order === 1;
}

/** The status filter and the rest, all on tickets `t`; search is handled by the caller. */
function filtered(db: Db, params: TicketListParams, now: string) {
  let where = db.selectFrom('tickets as t');
  if (params.status) where = where.where('t.status', 'in', params.status);
  if (params.priority) where = where.where('t.priority', 'in', params.priority);
  if (params.assignedTo === 'none') where = where.where('t.assigned_to', 'is', null);
  else if (params.assignedTo) where = where.where('t.assigned_to', '=', params.assignedTo);
  if (params.contactId) where = where.where('t.contact_id', '=', params.contactId);
  // At most one ticket (the partial unique index tickets_external serves it).
  if (params.externalId) where = where.where('t.external_id', '=', params.externalId);
  if (params.projectId === 'none') where = where.where('t.project_id', 'is', null);
  else if (params.projectId) where = where.where('t.project_id', '=', params.projectId);
  if (params.tag) {
    where = where.where(
      't.id',
      'in',
      sql<string>`(select tt.ticket_id from ticket_tags tt join tags g on g.id = tt.tag_id
        where g.name = ${params.tag})`,
    );
  }
  // Judged at the request's instant, with the same rule the presented `sla.breached` uses.
  if (params.sla === 'breached') where = where.where(slaBreachedSql('t', now), '=', 1);
  else if (params.sla === 'due-soon') where = where.where(slaDueSoonSql('t', now), '=', 1);
  return where;
}

/**
 * From this offset on, a page is read in two steps: its seqs (from the sort index alone, which
 * holds the seq, so the offset skips index entries, not joined table rows: 0.2 ms instead of
 * 6 ms at offset 5,000), then those tickets. Nearer the start one query is cheaper.
 */
const seqsFirstFromOffset = 200;

export async function listTickets(ctx: Ctx, params: TicketListParams): Promise<ListPage<TicketT>> {
  const { db } = ctx;
  const direction = params.sortOrder;
  const now = nowIso(ctx.clock);
  let where = filtered(db, params, now);
  let total: number | null = null;
  let pageSeqs: number[] | null = null;

  if (params.search !== undefined) {
    const match = toFtsQuery(params.search);
    if (!match) return page([], 0, params);
    const matches = await countFtsMatches(db, 'ticket_fts', match);
    if (onlyFilter(params, 'search')) total = matches;
    const set = sql<number>`(select rowid from ticket_fts where ticket_fts match ${match})`;
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
        .orderBy(sql`f.rowid`, direction)
        .limit(params.limit)
        .offset(params.offset)
        .execute();
      pageSeqs = rows.map((r) => r.seq);
    }
    // Few matches: look them up by key and sort them. Many: walk the sort index and keep the
    // rows in the match set (the unary + stops SQLite driving the query from the set), which
    // stops after one page instead of sorting every match.
    where =
      matches <= directLookupLimit || pageSeqs
        ? where.where('t.seq', 'in', set)
        : where.where(sql<boolean>`+t.seq in ${set}`);
  }
  total ??= onlyFilter(params, 'status') ? await countByStatus(db, params.status) : await countRows(where);

  if (pageSeqs) return page(await ticketsBySeq(db, now, pageSeqs), total, params);
  if (params.offset < seqsFirstFromOffset && onlyFilter(params, 'status')) {
    const statuses = params.status ?? [];
    const query = inboxPageQuery(params.sortBy, direction, statuses.length);
    const rows = await query(db, now, params.limit, params.offset, ...statuses);
    return page(rows.map(presentTicket), total, params);
  }
  // Every sort ends with seq (insertion order) so pages never overlap or skip on ties.
  if (params.offset < seqsFirstFromOffset) {
    let query = where.innerJoin('contacts as c', 'c.id', 't.contact_id').selectAll('t').select(presentationColumns(now));
    for (const column of sortColumns[params.sortBy]) query = query.orderBy(column, direction);
    const rows = await query.orderBy('t.seq', direction).limit(params.limit).offset(params.offset).execute();
    return page(rows.map(presentTicket), total, params);
  }
  let query = where.select('t.seq');
  for (const column of sortColumns[params.sortBy]) query = query.orderBy(column, direction);
  const rows = await query.orderBy('t.seq', direction).limit(params.limit).offset(params.offset).execute();
  return page(await ticketsBySeq(db, now, rows.map((r) => r.seq)), total, params);
}

type InboxPage = (db: Db, now: string, limit: number, offset: number, ...statuses: TicketRow['status'][]) => Promise<TicketReadRow[]>;
const inboxPages = new Map<string, InboxPage>();

/**
 * The inbox's page (a status filter at most, near the start), compiled once per sort and
 * number of statuses: the hottest list, where building the query was ~7% of a request.
 */
function inboxPageQuery(sortBy: TicketListParams['sortBy'], direction: 'asc' | 'desc', statusCount: number): InboxPage {
  const key = `${sortBy} ${direction} ${statusCount}`;
  let query = inboxPages.get(key);
  if (!query) {
    query = prepared((db: Db, now: string, limit: number, offset: number, ...statuses: TicketRow['status'][]) => {
      let q = db
        .selectFrom('tickets as t')
        .innerJoin('contacts as c', 'c.id', 't.contact_id')
        .selectAll('t')
        .select(presentationColumns(now));
      if (statusCount > 0) q = q.where('t.status', 'in', statuses);
      for (const column of sortColumns[sortBy]) q = q.orderBy(column, direction);
      return q.orderBy('t.seq', direction).limit(limit).offset(offset);
    });
    inboxPages.set(key, query);
  }
  return query;
}

function page(data: TicketT[], total: number, params: TicketListParams) {
  return { data, meta: { total, limit: params.limit, offset: params.offset } };
}

