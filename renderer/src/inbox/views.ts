// The inbox's filters and saved views, and how they become GET /tickets parameters. Pure, so
// the mapping is unit-tested.
import type { TicketQuery, TicketSortField } from '../api/tickets.ts';

export const statuses = ['open', 'pending', 'resolved', 'closed'] as const;
export const priorities = ['urgent', 'high', 'medium', 'low'] as const;
export type Status = (typeof statuses)[number];
export type Priority = (typeof priorities)[number];

/** Who a ticket is assigned to: anyone, the signed-in agent, nobody, or a usr_ id. */
export type AssigneeFilter = 'any' | 'me' | 'none' | (string & {});

export interface InboxFilters {
  status: Status[];
  priority: Priority[];
  assignee: AssigneeFilter;
  projectId: string | null;
  tag: string | null;
  search: string;
}

export interface InboxSort {
  sortBy: TicketSortField;
  sortOrder: 'asc' | 'desc';
}

export type ViewId = 'mine' | 'unassigned' | 'urgent' | 'sla' | 'all';

export interface SavedView {
  id: ViewId;
  label: string;
  hint: string;
  filters: InboxFilters;
  sort: InboxSort;
  /** Rows that are not breached are dimmed, so breaches stand out. */
  highlightBreaches?: boolean;
}

export const noFilters: InboxFilters = {
  status: [],
  priority: [],
  assignee: 'any',
  projectId: null,
  tag: null,
  search: '',
};

export const defaultSort: InboxSort = { sortBy: 'createdAt', sortOrder: 'desc' };

const active: Status[] = ['open', 'pending'];

export const savedViews: readonly SavedView[] = [
  {
    id: 'mine',
    label: 'My open',
    hint: 'Open and pending tickets assigned to you',
    filters: { ...noFilters, status: active, assignee: 'me' },
    sort: defaultSort,
  },
  {
    id: 'unassigned',
    label: 'Unassigned',
    hint: 'Open and pending tickets nobody has taken',
    filters: { ...noFilters, status: active, assignee: 'none' },
    sort: defaultSort,
  },
  {
    id: 'urgent',
    label: 'Urgent',
    hint: 'Open and pending urgent tickets',
    filters: { ...noFilters, status: active, priority: ['urgent'] },
    sort: defaultSort,
  },
  {
    // The API cannot filter on a breached SLA: this view lists the open and pending queue
    // oldest first (the longest-waiting tickets are the ones past their due times) and the
    // list flags the breached rows and dims the rest. Its count is that queue.
    id: 'sla',
    label: 'SLA breaching',
    hint: 'Open and pending tickets, longest waiting first; breached ones are flagged',
    filters: { ...noFilters, status: active },
    sort: { sortBy: 'createdAt', sortOrder: 'asc' },
    highlightBreaches: true,
  },
  {
    id: 'all',
    label: 'All tickets',
    hint: 'Every ticket, newest first',
    filters: noFilters,
    sort: defaultSort,
  },
];

export function viewById(id: ViewId): SavedView {
  const view = savedViews.find((v) => v.id === id);
  if (!view) throw new Error(`unknown view ${id}`);
  return view;
}

/** A list in the fixed order of `order`, so equal selections give equal query keys. */
function ordered<T extends string>(values: readonly T[], order: readonly T[]): T[] {
  return order.filter((v) => values.includes(v));
}

/** The GET /tickets parameters for filters and a sort (without paging). */
export function toTicketQuery(filters: InboxFilters, sort: InboxSort, meId: string): TicketQuery {
  const query: TicketQuery = { sortBy: sort.sortBy, sortOrder: sort.sortOrder };
  const status = ordered(filters.status, statuses);
  if (status.length > 0 && status.length < statuses.length) query.status = status.join(',');
  const priority = ordered(filters.priority, priorities);
  if (priority.length > 0 && priority.length < priorities.length) query.priority = priority.join(',');
  if (filters.assignee === 'me') query.assignedTo = meId;
  else if (filters.assignee !== 'any') query.assignedTo = filters.assignee;
  if (filters.projectId) query.projectId = filters.projectId;
  if (filters.tag) query.tag = filters.tag;
  const search = filters.search.trim();
  if (search) query.search = search;
  return query;
}

/** The cheapest request that answers "how many tickets in this view": one row, its meta.total. */
export function viewCountQuery(view: SavedView, meId: string): TicketQuery {
  return { ...toTicketQuery(view.filters, defaultSort, meId), limit: 1, offset: 0 };
}

export function sameFilters(a: InboxFilters, b: InboxFilters): boolean {
  return (
    ordered(a.status, statuses).join() === ordered(b.status, statuses).join() &&
    ordered(a.priority, priorities).join() === ordered(b.priority, priorities).join() &&
    a.assignee === b.assignee &&
    a.projectId === b.projectId &&
    a.tag === b.tag &&
    a.search.trim() === b.search.trim()
  );
}

/** Whether any filter beyond the view's own is set (for a "clear filters" affordance). */
export function isFiltered(filters: InboxFilters): boolean {
  return !sameFilters(filters, noFilters);
}
