import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { Contact, ContactDetail, ContactPatchBody } from '../api/types.ts';
import { useSession } from '../app/context.tsx';
import type { ContactFilters } from './filters.ts';
import type { HealthTier } from './health.tsx';

const pageSize = 50;

export function useContactList(filters: ContactFilters) {
  const { api } = useSession();
  return useInfiniteQuery({
    queryKey: ['contacts', filters],
    initialPageParam: 0,
    queryFn: async ({ pageParam, signal }) => {
      const { data, meta } = await api.get<Contact[]>('/contacts', {
        query: {
          healthTier: filters.tier === 'all' ? undefined : (filters.tier satisfies HealthTier),
          search: filters.search.trim() || undefined,
          company: filters.company.trim() || undefined,
          sortBy: 'lastSeenAt',
          sortOrder: 'desc',
          limit: pageSize,
          offset: pageParam,
        },
        signal,
      });
      return { items: data, total: meta?.total ?? data.length, offset: pageParam };
    },
    getNextPageParam: (last) => (last.offset + last.items.length < last.total ? last.offset + pageSize : undefined),
  });
}

export function useContact(id: string) {
  const { api } = useSession();
  return useQuery({
    queryKey: ['contact', id],
    queryFn: async ({ signal }) => (await api.get<ContactDetail>(`/contacts/${id}`, { signal })).data,
  });
}

/** Edits one field at a time; the card shows the change at once and rolls back on failure. */
export function usePatchContact(id: string) {
  const { api } = useSession();
  const queryClient = useQueryClient();
  const key = ['contact', id];
  return useMutation({
    mutationFn: async (patch: ContactPatchBody) => (await api.patch<Contact>(`/contacts/${id}`, patch)).data,
    onMutate: async (patch) => {
      await queryClient.cancelQueries({ queryKey: key, exact: true });
      const previous = queryClient.getQueryData<ContactDetail>(key);
      if (previous) queryClient.setQueryData<ContactDetail>(key, { ...previous, ...patch } as ContactDetail);
      return { previous };
    },
    onError: (_err, _patch, context) => {
      if (context?.previous) queryClient.setQueryData(key, context.previous);
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: key });
      void queryClient.invalidateQueries({ queryKey: ['contacts'] });
    },
  });
}
