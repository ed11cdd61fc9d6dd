// The inbox's filters and views (the built-in ones and those an agent saved on the server), and
// how they become GET /tickets parameters and back. Pure, so the mapping is unit-tested.
import type { SavedView as ServerView, SavedViewFilters, SlaFilter } from '../api/types.ts';
import type { TicketQuery, TicketSortField } from '../api/queries/tickets.ts';

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
  /** Breached now, or due within two hours (GET /tickets?sla=). */
  sla: SlaFilter | null;
}

export interface InboxSort {
  sortBy: TicketSortField;
  sortOrder: 'asc' | 'desc';
}

export type ViewId = 'mine' | 'unassigned' | 'urgent' | 'sla' | 'all';

export interface SavedView {
  /** A built-in view's id, or a server view's view_ id. */
  id: ViewId | (string & {});
  label: string;
  hint: string;
  filters: InboxFilters;
  sort: InboxSort;
}

export const noFilters: InboxFilters = {
  status: [],
  priority: [],
  assignee: 'any',
  projectId: null,
  tag: null,
  search: '',
  sla: null,
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
    // GET /tickets?sla=breached: exactly the tickets past a due time now; the count is theirs.
    id: 'sla',
    label: 'SLA breaching',
    hint: 'Open and pending tickets whose SLA is breached, longest waiting first',
    filters: { ...noFilters, status: active, sla: 'breached' },
    sort: { sortBy: 'createdAt', sortOrder: 'asc' },
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
  if (filters.sla) query.sla = filters.sla;
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
    a.search.trim() === b.search.trim() &&
    a.sla === b.sla
  );
}

/** Whether any filter beyond the view's own is set (for a "clear filters" affordance). */
export function isFiltered(filters: InboxFilters): boolean {
  return !sameFilters(filters, noFilters);
}

/** A view saved on the server, as the inbox uses it. */
export function fromServerView(view: ServerView): SavedView {
  const f = view.filters;
  return {
    id: view.id,
    label: view.name,
    hint: `Your view “${view.name}”`,
    filters: {
      status: [...(f.status ?? [])],
      priority: [...(f.priority ?? [])],
      assignee: f.assignedTo ?? 'any',
      projectId: f.projectId ?? null,
      tag: f.tag ?? null,
      search: f.search ?? '',
      sla: f.sla ?? null,
    },
    sort: { sortBy: view.sortBy, sortOrder: view.sortOrder },
  };
}

/** The filters as a server view stores them: only what is set ("me" stays "me", per user). */
export function toServerFilters(filters: InboxFilters): SavedViewFilters {
  const out: SavedViewFilters = {};
  if (filters.status.length) out.status = ordered(filters.status, statuses);
  if (filters.priority.length) out.priority = ordered(filters.priority, priorities);
  if (filters.assignee !== 'any') out.assignedTo = filters.assignee;
  if (filters.projectId) out.projectId = filters.projectId;
  if (filters.tag) out.tag = filters.tag;
  if (filters.search.trim()) out.search = filters.search.trim();
  if (filters.sla) out.sla = filters.sla;
  return out;
}

/** The view these filters and sort are, if any (search aside for built-in views). */
export function matchingView(views: readonly SavedView[], filters: InboxFilters, sort: InboxSort): SavedView | undefined {
  const same = (v: SavedView) => v.sort.sortBy === sort.sortBy && v.sort.sortOrder === sort.sortOrder;
  return (
    views.find((v) => !savedViews.includes(v) && same(v) && sameFilters(v.filters, filters)) ??
    views.find((v) => savedViews.includes(v) && same(v) && sameFilters({ ...v.filters, search: filters.search }, filters))
  );
}
