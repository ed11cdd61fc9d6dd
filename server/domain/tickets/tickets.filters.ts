// The filters of GET /tickets as SQL on tickets `t`, shared by the list and by each engine's
// full-text search (tickets.search.*.ts).
import { sql } from 'kysely';
import type { Db } from '../../../db/schema.ts';
import type { TicketListParams } from '../../../common/contract/tickets.ts';
import { slaBreachedSql, slaDueSoonSql } from '../sla/sla.sql.ts';

export const filterNames = ['status', 'priority', 'assignedTo', 'contactId', 'projectId', 'tag', 'sla', 'search', 'externalId'] as const;

/** True when no filter but (optionally) `name` is set: its total has a cheaper source. */
export function onlyFilter(params: TicketListParams, name: (typeof filterNames)[number]): boolean {
  return filterNames.every((f) => f === name || params[f] === undefined);
}

/** The status filter and the rest, all on tickets `t`; search is handled by the caller. */
export function filtered(db: Db, params: TicketListParams, now: string) {
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

export type TicketFilter = ReturnType<typeof filtered>;

/** How a search narrows the list: the filter with the matches, and what it already knows. */
export interface SearchPlan {
  where: TicketFilter;
  /** meta.total, when the search alone decides it (no other filter); else null. */
  total: number | null;
  /** The page's seqs in order, when the search could read them directly; else null. */
  pageSeqs: number[] | null;
}

/** One engine's ticket search: null when the text has no searchable word (nothing matches). */
export type TicketSearch = (db: Db, params: TicketListParams & { search: string }, where: TicketFilter) => Promise<SearchPlan | null>;
