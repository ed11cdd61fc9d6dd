// Server-side paging for the virtual list: the pages under the rows on screen are fetched on
// demand (100 rows each, by offset), loaded pages stay cached as the agent scrolls on, and the
// list's height comes from meta.total. Each page is its own queryKeys.tickets.list query, so live
// updates refresh exactly the pages on screen.
import { useQueries, useQueryClient } from '@tanstack/react-query';
import { useMemo, useRef } from 'react';
import { pause } from '../api/collection.ts';
import { type TicketPage, type TicketQuery, PAGE_SIZE, listTickets } from '../api/queries/tickets.ts';
import { queryKeys } from '../api/queryKeys.ts';
import type { Ticket } from '../api/types.ts';
import { useSession } from '../app/context.tsx';
import { pageQuery, pagesForRange } from './paging.ts';

export interface TicketPages {
  /** Rows in the list; undefined until the first page answers. */
  total: number | undefined;
  /** Loaded pages by index. */
  pages: ReadonlyMap<number, readonly Ticket[]>;
  /** Showing the previous filters' rows while the new ones load. */
  stale: boolean;
  fetching: boolean;
  error: Error | null;
}

/** Pages scrolled past stay cached this long, so scrolling back shows them at once. */
const keepLoadedPages = 30 * 60_000;
/** Rows read ahead of and behind the visible ones. */
const readAhead = 40;
/** A refetch (live update) waits this long, so a burst of events costs one request. */
const refetchPauseMs = 250;

export function useTicketPages(base: TicketQuery, range: { start: number; end: number }): TicketPages {
  const { api } = useSession();
  const qc = useQueryClient();
  // A cached first page tells the total at once (returning from a ticket restores the scroll).
  const cachedTotal = qc.getQueryData<TicketPage>(queryKeys.tickets.list(pageQuery(base, 0, PAGE_SIZE)))?.total;
  const wanted = pagesForRange(range.start, range.end, cachedTotal, PAGE_SIZE, readAhead);
  if (!wanted.includes(0) && cachedTotal === undefined) wanted.unshift(0);

  const results = useQueries({
    queries: wanted.map((page) => {
      const query = pageQuery(base, page, PAGE_SIZE);
      const queryKey = queryKeys.tickets.list(query);
      return {
        queryKey,
        queryFn: async ({ signal }: { signal: AbortSignal }): Promise<TicketPage> => {
          if (qc.getQueryData(queryKey) !== undefined) await pause(refetchPauseMs, signal);
          return listTickets(api, query, signal);
        },
        gcTime: keepLoadedPages,
      };
    }),
  });

  const stamp = results.map((r) => r.dataUpdatedAt).join(',');
  const current = useMemo(() => {
    const pages = new Map<number, readonly Ticket[]>();
    let total: number | undefined;
    let newest = -1;
    wanted.forEach((page, i) => {
      const result = results[i];
      if (!result?.data) return;
      pages.set(page, result.data.rows);
      // Pages fetched at different moments may disagree; the latest answer knows best.
      if (result.dataUpdatedAt > newest) {
        newest = result.dataUpdatedAt;
        total = result.data.total;
      }
    });
    return { pages, total: total ?? cachedTotal };
    // `stamp` stands for the results' data: recompute only when an answer arrives.
  }, [wanted.join(','), stamp, cachedTotal]);

  const error = results.find((r) => r.error)?.error ?? null;
  const fetching = results.some((r) => r.isFetching);
  const previous = useRef(current);
  const waiting = current.total === undefined && !error;
  if (!waiting) previous.current = current;
  const shown = waiting ? previous.current : current;
  return {
    total: shown.total,
    pages: shown.pages,
    stale: waiting && shown !== current,
    fetching,
    error,
  };
}
