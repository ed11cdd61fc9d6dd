// The signed-in user's saved inbox views (server-side, so every browser and the desktop see
// the same). Cached as Optional<SavedView[]> under queryKeys.views: a server without /views
// answers 404 and the inbox offers only its built-in views.
import { useQuery } from '@tanstack/react-query';
import { useSession } from '../../app/context.tsx';
import type { ApiClient } from '../client.ts';
import { listOptional } from '../collection.ts';
import type { SavedView, SavedViewFilters, SortField } from '../types.ts';
import { queryKeys } from '../queryKeys.ts';

export function useSavedViews() {
  const { api } = useSession();
  return useQuery({
    queryKey: queryKeys.views,
    retry: false,
    queryFn: ({ signal }) => listOptional<SavedView>(api, '/views', signal),
  });
}

export interface SavedViewBody {
  name: string;
  filters: SavedViewFilters;
  sortBy: SortField;
  sortOrder: 'asc' | 'desc';
}

export async function createView(api: ApiClient, body: SavedViewBody): Promise<SavedView> {
  return (await api.post<SavedView>('/views', body)).data;
}

export async function deleteView(api: ApiClient, id: string): Promise<void> {
  await api.delete(`/views/${id}`);
}
