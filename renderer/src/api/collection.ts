// Helpers every resource module shares: reading a whole small collection, a list the server
// may not offer yet (404), optimistic edits of a cached array, and coalescing refetches.
import { type QueryClient, type QueryKey, useQuery } from '@tanstack/react-query';
import { useSession } from '../app/context.tsx';
import { ApiError, type ApiClient } from './client.ts';

/** Rows per list request: the API's maximum. */
export const PAGE_SIZE = 100;

/** Every row of a small collection (users, projects, tags, macros, ...), 100 per request. */
export async function listAll<T>(api: ApiClient, path: string, signal?: AbortSignal, query: Record<string, string> = {}): Promise<T[]> {
  const rows: T[] = [];
  for (let offset = 0; ; offset += PAGE_SIZE) {
    const { data, meta } = await api.get<T[]>(path, { query: { ...query, limit: PAGE_SIZE, offset }, signal });
    rows.push(...data);
    if (data.length < PAGE_SIZE || rows.length >= (meta?.total ?? 0)) return rows;
  }
}

const byName = <T extends { name: string }>(rows: T[]) => [...rows].sort((a, b) => a.name.localeCompare(b.name));

/** A small collection cached as a plain array (sorted by name when it has names). */
export function useCollection<T>(key: QueryKey, path: string, options: { sortByName?: boolean; enabled?: boolean; query?: Record<string, string> } = {}) {
  const { api } = useSession();
  return useQuery({
    queryKey: key,
    queryFn: async ({ signal }) => {
      const rows = await listAll<T>(api, path, signal, options.query);
      return options.sortByName ? (byName(rows as (T & { name: string })[]) as T[]) : rows;
    },
    staleTime: 5 * 60_000,
    enabled: options.enabled ?? true,
  });
}

/** A list from a route this server may not have yet: `unavailable` instead of an error on 404. */
export interface Optional<T> {
  items: T[];
  unavailable: boolean;
}

export async function listOptional<T>(api: ApiClient, path: string, signal?: AbortSignal): Promise<Optional<T>> {
  try {
    return { items: await listAll<T>(api, path, signal), unavailable: false };
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 405)) return { items: [], unavailable: true };
    throw err;
  }
}

/**
 * Applies `change` to a cached array at once and returns the rollback. Cancels in-flight
 * fetches first so a late response cannot overwrite the optimistic state.
 */
export async function optimisticList<T>(qc: QueryClient, key: QueryKey, change: (items: T[]) => T[]): Promise<() => void> {
  await qc.cancelQueries({ queryKey: key, exact: true });
  const previous = qc.getQueryData<T[]>(key);
  if (previous) qc.setQueryData<T[]>(key, change(previous));
  return () => qc.setQueryData(key, previous);
}

/** Patches one item (by id) in a list. */
export function patchById<T extends { id: string }>(id: string, patch: Partial<T>): (items: T[]) => T[] {
  return (items) => items.map((item) => (item.id === id ? { ...item, ...patch } : item));
}

/** A copy without one field: how a created key or webhook enters a cached list minus its secret. */
export function without<T extends object, K extends keyof T>(value: T, field: K): Omit<T, K> {
  return Object.fromEntries(Object.entries(value).filter(([name]) => name !== field)) as Omit<T, K>;
}

/**
 * Waits `ms` unless the signal aborts first. A refetch starts with this pause: live updates
 * invalidate lists once per event, React Query cancels a refetch that a newer one supersedes,
 * so a burst of events (a bulk change of 100 tickets) costs one request, not one per event.
 */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}
