// Reading and optimistically writing tickets in the query cache: the open ticket under
// queryKeys.tickets.detail(id) and every loaded list page under queryKeys.tickets.lists.
import type { QueryClient } from '@tanstack/react-query';
import type { TicketPage } from '../api/queries/tickets.ts';
import { queryKeys } from '../api/queryKeys.ts';
import type { Ticket, TicketDetail } from '../api/types.ts';
import { type TicketChange, applyChange, rollbackChange } from './optimistic.ts';

export function isListPage(data: unknown): data is TicketPage {
  return typeof data === 'object' && data !== null && Array.isArray((data as TicketPage).rows);
}

/** What an optimistic change replaced, to undo it. */
export interface Snapshot {
  before: Map<string, Ticket>;
  change: TicketChange;
  now: string;
}

/** Applies a change to the given tickets wherever they are cached; returns what to undo. */
export function applyOptimistic(qc: QueryClient, ids: readonly string[], change: TicketChange, now: string): Snapshot {
  const wanted = new Set(ids);
  const before = new Map<string, Ticket>();
  for (const id of ids) {
    const detail = qc.getQueryData<TicketDetail>(queryKeys.tickets.detail(id));
    if (!detail) continue;
    before.set(id, detail);
    qc.setQueryData<TicketDetail>(queryKeys.tickets.detail(id), applyChange(detail, change, now));
  }
  for (const [key, data] of qc.getQueriesData<unknown>({ queryKey: queryKeys.tickets.lists })) {
    if (!isListPage(data) || !data.rows.some((r) => wanted.has(r.id))) continue;
    const rows = data.rows.map((row) => {
      if (!wanted.has(row.id)) return row;
      if (!before.has(row.id)) before.set(row.id, row);
      return applyChange(row, change, now);
    });
    setKeepingFreshness(qc, key, { ...data, rows });
  }
  return { before, change, now };
}

/** Undoes an optimistic change, field by field, where nothing newer has replaced it. */
export function rollbackOptimistic(qc: QueryClient, snapshot: Snapshot): void {
  const { before, change, now } = snapshot;
  const undo = <T extends Ticket>(current: T): T => {
    const was = before.get(current.id);
    return was ? rollbackChange(current, was, change, applyChange(was, change, now)) : current;
  };
  for (const id of before.keys()) {
    const detail = qc.getQueryData<TicketDetail>(queryKeys.tickets.detail(id));
    if (detail) qc.setQueryData<TicketDetail>(queryKeys.tickets.detail(id), undo(detail));
  }
  for (const [key, data] of qc.getQueriesData<unknown>({ queryKey: queryKeys.tickets.lists })) {
    if (!isListPage(data) || !data.rows.some((r) => before.has(r.id))) continue;
    setKeepingFreshness(qc, key, { ...data, rows: data.rows.map(undo) });
  }
}

/**
 * Writes a list page without making it look freshly fetched: a page that live updates marked
 * stale must still refetch when it is next shown.
 */
function setKeepingFreshness(qc: QueryClient, key: readonly unknown[], page: TicketPage): void {
  const state = qc.getQueryState(key);
  qc.setQueryData(key, page, state ? { updatedAt: state.dataUpdatedAt } : undefined);
  if (state?.isInvalidated) void qc.invalidateQueries({ queryKey: key, exact: true, refetchType: 'none' });
}
