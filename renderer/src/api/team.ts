// Queries and mutations for the team and configuration resources (users, API keys, projects,
// tags, macros, SLA policies, webhooks). Lists live under the shared query keys that live
// events invalidate; optimistic changes go through `optimisticList` so a failure rolls back.
import { type QueryClient, type QueryKey, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSession } from '../app/context.tsx';
import { ApiError } from './client.ts';
import type { ApiKeyInfo, Macro, Project, SlaPolicy, Tag, User, Webhook, WebhookDelivery } from './types.ts';

/** A list page as cached: the items and the server's total. */
export interface ListPage<T> {
  items: T[];
  total: number;
}

export const teamKeys = {
  users: ['users'],
  apiKeys: ['api-keys'],
  projects: ['projects'],
  tags: ['tags'],
  macros: ['macros'],
  sla: ['sla-policies'],
  webhooks: ['webhooks'],
  deliveries: (webhookId: string) => ['webhooks', webhookId, 'deliveries'],
} as const satisfies Record<string, QueryKey | ((id: string) => QueryKey)>;

function useList<T>(key: QueryKey, path: string, query: Record<string, string | number> = {}) {
  const { api } = useSession();
  return useQuery({
    queryKey: key,
    queryFn: async ({ signal }): Promise<ListPage<T>> => {
      const { data, meta } = await api.get<T[]>(path, { query: { limit: 100, ...query }, signal });
      return { items: data, total: meta?.total ?? data.length };
    },
  });
}

export const useUsers = () => useList<User>(teamKeys.users, '/users', { sortBy: 'name', sortOrder: 'asc' });
export const useApiKeys = () => useList<ApiKeyInfo>(teamKeys.apiKeys, '/api-keys');
export const useProjects = () => useList<Project>(teamKeys.projects, '/projects', { sortBy: 'name', sortOrder: 'asc' });
export const useTags = () => useList<Tag>(teamKeys.tags, '/tags', { sortBy: 'name', sortOrder: 'asc' });
export const useMacros = () => useList<Macro>(teamKeys.macros, '/macros', { sortBy: 'name', sortOrder: 'asc' });

/** Webhooks; `unavailable` is true when this server has no webhooks API (404 on the list). */
export function useWebhooks() {
  const { api } = useSession();
  return useQuery({
    queryKey: teamKeys.webhooks,
    retry: false,
    queryFn: async ({ signal }): Promise<ListPage<Webhook> & { unavailable: boolean }> => {
      try {
        const { data, meta } = await api.get<Webhook[]>('/webhooks', { query: { limit: 100 }, signal });
        return { items: data, total: meta?.total ?? data.length, unavailable: false };
      } catch (err) {
        if (err instanceof ApiError && err.status === 404) return { items: [], total: 0, unavailable: true };
        throw err;
      }
    },
  });
}

export function useDeliveries(webhookId: string) {
  const { api } = useSession();
  return useQuery({
    queryKey: teamKeys.deliveries(webhookId),
    refetchInterval: 10_000,
    queryFn: async ({ signal }): Promise<ListPage<WebhookDelivery>> => {
      const { data, meta } = await api.get<WebhookDelivery[]>(`/webhooks/${webhookId}/deliveries`, {
        query: { limit: 50 },
        signal,
      });
      return { items: data, total: meta?.total ?? data.length };
    },
  });
}

export function useSlaPolicies() {
  const { api } = useSession();
  return useQuery({
    queryKey: teamKeys.sla,
    queryFn: async ({ signal }) => (await api.get<SlaPolicy[]>('/sla-policies', { signal })).data,
  });
}

/**
 * Applies `change` to a cached list at once and returns the rollback. Cancels in-flight
 * fetches first so a late response cannot overwrite the optimistic state.
 */
export async function optimisticList<T>(
  queryClient: QueryClient,
  key: QueryKey,
  change: (items: T[]) => T[],
): Promise<() => void> {
  await queryClient.cancelQueries({ queryKey: key, exact: true });
  const previous = queryClient.getQueryData<ListPage<T>>(key);
  if (previous) {
    const items = change(previous.items);
    queryClient.setQueryData<ListPage<T>>(key, {
      ...previous,
      items,
      total: previous.total + (items.length - previous.items.length),
    });
  }
  return () => queryClient.setQueryData(key, previous);
}

/** Replaces one item (by id) in a list. */
export function replaceById<T extends { id: string }>(next: T): (items: T[]) => T[] {
  return (items) => items.map((item) => (item.id === next.id ? next : item));
}

/** Patches one item (by id) in a list. */
export function patchById<T extends { id: string }>(id: string, patch: Partial<T>): (items: T[]) => T[] {
  return (items) => items.map((item) => (item.id === id ? { ...item, ...patch } : item));
}

/** The session's API client and the query client: what every settings mutation needs. */
export function useTeamApi() {
  const { api } = useSession();
  const queryClient = useQueryClient();
  return { api, queryClient };
}

/** A copy without one field: how a created key or webhook enters a cached list minus its secret. */
export function without<T extends object, K extends keyof T>(value: T, field: K): Omit<T, K> {
  return Object.fromEntries(Object.entries(value).filter(([name]) => name !== field)) as Omit<T, K>;
}
