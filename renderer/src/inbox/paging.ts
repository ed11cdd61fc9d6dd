// Page math for the virtual list: which server pages (offset/limit) cover the rows on screen,
// and where a row lives. Pure and unit-tested.
import type { TicketQuery } from '../api/queries/tickets.ts';

/**
 * The page indexes to have loaded for rows [start, end] (inclusive) of `total`, reading
 * `overscan` rows ahead and behind so a page is usually there before it scrolls into view.
 * With the total not yet known, page 0 (which answers it).
 */
export function pagesForRange(
  start: number,
  end: number,
  total: number | undefined,
  pageSize: number,
  overscan = 0,
): number[] {
  if (total === undefined) return [0];
  if (total <= 0) return [0];
  const first = Math.max(0, Math.min(start, end) - overscan);
  const last = Math.min(total - 1, Math.max(start, end) + overscan);
  if (last < first) return [Math.floor(Math.min(first, total - 1) / pageSize)];
  const pages: number[] = [];
  for (let p = Math.floor(first / pageSize); p <= Math.floor(last / pageSize); p++) pages.push(p);
  return pages;
}

/** The list request for one page. */
export function pageQuery(base: TicketQuery, page: number, pageSize: number): TicketQuery {
  return { ...base, limit: pageSize, offset: page * pageSize };
}

/** The row at `index` if its page is loaded. */
export function rowAt<T>(pages: ReadonlyMap<number, readonly T[]>, index: number, pageSize: number): T | undefined {
  return pages.get(Math.floor(index / pageSize))?.[index % pageSize];
}

/** Moves a cursor by `delta` rows, staying inside [0, total). -1 when the list is empty. */
export function moveCursor(current: number, delta: number, total: number): number {
  if (total <= 0) return -1;
  if (current < 0) return delta >= 0 ? 0 : total - 1;
  return Math.min(total - 1, Math.max(0, current + delta));
}

/**
 * Where the cursor belongs after the rows changed: on the same ticket if it is still loaded
 * (live updates shift rows), else at the same position (the next ticket, when the one under
 * the cursor left the view), clamped to the new total. A fresh list starts on its first row.
 */
export function reconcileCursor<T extends { id: string }>(
  cursor: { index: number; id: string | null },
  pages: ReadonlyMap<number, readonly T[]>,
  pageSize: number,
  total: number,
): number {
  if (total <= 0) return -1;
  if (cursor.index < 0) return 0;
  if (cursor.id && rowAt(pages, cursor.index, pageSize)?.id !== cursor.id) {
    for (const [page, rows] of pages) {
      const at = rows.findIndex((r) => r.id === cursor.id);
      if (at >= 0) return page * pageSize + at;
    }
  }
  return Math.min(cursor.index, total - 1);
}
