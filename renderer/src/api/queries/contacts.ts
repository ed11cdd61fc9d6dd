// Contacts: the filtered list (paged as the user scrolls), one contact with its activity, a
// quick lookup for pickers, and the writes. Keys: queryKeys.contacts.
import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSession } from '../../app/context.tsx';
import type { ContactFilters } from '../../contacts/filters.ts';
import type { ApiClient } from '../client.ts';
import { queryKeys } from '../queryKeys.ts';
import type { Contact, ContactDetail, ContactPatchBody } from '../types.ts';

const pageSize = 50;

export function useContactList(filters: ContactFilters) {
  const { api } = useSession();
  return useInfiniteQuery({
    queryKey: queryKeys.contacts.list(filters),
    initialPageParam: 0,
    queryFn: async ({ pageParam, signal }) => {
      const { data, meta } = await api.get<Contact[]>('/contacts', {
        query: {
          healthTier: filters.tier === 'all' ? undefined : filters.tier,
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

/** The first few contacts matching a search (name, email or company), for pickers. */
export function useContactLookup(search: string) {
  const { api } = useSession();
  const text = search.trim();
  return useQuery({
    queryKey: queryKeys.contacts.lookup(text),
    queryFn: async ({ signal }) => (await api.get<Contact[]>('/contacts', { query: { search: text, limit: 6 }, signal })).data,
    enabled: text.length >= 2,
    staleTime: 10_000,
  });
}

export function useContact(id: string | undefined) {
  const { api } = useSession();
  return useQuery({
    queryKey: queryKeys.contacts.detail(id ?? ''),
    queryFn: async ({ signal }) => (await api.get<ContactDetail>(`/contacts/${encodeURIComponent(id ?? '')}`, { signal })).data,
    enabled: id !== undefined,
  });
}

export async function createContact(api: ApiClient, body: { email: string; name?: string | null; company?: string | null }): Promise<Contact> {
  return (await api.post<Contact>('/contacts', body)).data;
}

/** Edits one field at a time; the card shows the change at once and rolls back on failure. */
export function usePatchContact(id: string) {
  const { api } = useSession();
  const queryClient = useQueryClient();
  const key = queryKeys.contacts.detail(id);
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
      void queryClient.invalidateQueries({ queryKey: queryKeys.contacts.lists });
    },
  });
}
