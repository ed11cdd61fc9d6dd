// Conversations: the filtered list (paged as the user scrolls), one thread, and the writes on
// it. Keys: queryKeys.conversations.
import { type InfiniteData, useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useSession } from '../../app/context.tsx';
import type { ConversationFilters } from '../../conversations/filters.ts';
import { queryKeys } from '../queryKeys.ts';
import type { Conversation, ConversationDetail, Message, Ticket } from '../types.ts';

const pageSize = 50;

export function useConversationList(filters: ConversationFilters) {
  const { api } = useSession();
  return useInfiniteQuery({
    queryKey: queryKeys.conversations.list(filters),
    initialPageParam: 0,
    queryFn: async ({ pageParam, signal }) => {
      const { data, meta } = await api.get<Conversation[]>('/conversations', {
        query: {
          channel: filters.channel === 'all' ? undefined : filters.channel,
          status: filters.status,
          search: filters.search.trim() || undefined,
          sortBy: 'lastMessageAt',
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

export function useConversation(id: string | undefined) {
  const { api } = useSession();
  return useQuery({
    queryKey: queryKeys.conversations.detail(id ?? ''),
    enabled: Boolean(id),
    queryFn: async ({ signal }) => (await api.get<ConversationDetail>(`/conversations/${id}`, { signal })).data,
  });
}

type ListData = InfiniteData<{ items: Conversation[]; total: number; offset: number }>;

/** Agent reply: shown at once, rolled back if the server refuses it. */
export function useSendReply(conversation: ConversationDetail) {
  const { api, me } = useSession();
  const queryClient = useQueryClient();
  const key = queryKeys.conversations.detail(conversation.id);
  return useMutation({
    mutationFn: async ({ body, attachments }: { body: string; attachments: string[] }) =>
      (
        await api.post<Message>(`/conversations/${conversation.id}/messages`, {
          body,
          sender: 'agent',
          ...(attachments.length > 0 ? { attachments } : {}),
        })
      ).data,
    onMutate: async ({ body }) => {
      await queryClient.cancelQueries({ queryKey: key, exact: true });
      const previous = queryClient.getQueryData<ConversationDetail>(key);
      const pending: Message = {
        id: `pending_${Date.now()}`,
        conversationId: conversation.id,
        body,
        sender: 'agent',
        authorId: me.id,
        internal: false,
        attachments: [],
        bodyHtml: null,
        bodyFull: null,
        email: null,
        delivery: null,
        createdAt: new Date().toISOString(),
      };
      if (previous) queryClient.setQueryData<ConversationDetail>(key, { ...previous, messages: [...previous.messages, pending] });
      return { previous };
    },
    onError: (_err, _body, context) => {
      if (context?.previous) queryClient.setQueryData(key, context.previous);
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: key });
      void queryClient.invalidateQueries({ queryKey: queryKeys.conversations.lists });
    },
  });
}

/** Archive or reactivate: the thread and every cached list change at once. */
export function useSetStatus(conversation: ConversationDetail) {
  const { api } = useSession();
  const queryClient = useQueryClient();
  const key = queryKeys.conversations.detail(conversation.id);
  return useMutation({
    mutationFn: async (status: 'active' | 'archived') =>
      (await api.patch<Conversation>(`/conversations/${conversation.id}`, { status })).data,
    onMutate: async (status) => {
      await queryClient.cancelQueries({ queryKey: key, exact: true });
      const previous = queryClient.getQueryData<ConversationDetail>(key);
      if (previous) queryClient.setQueryData<ConversationDetail>(key, { ...previous, status });
      const lists = queryClient.getQueriesData<ListData>({ queryKey: queryKeys.conversations.lists });
      for (const [listKey, data] of lists) {
        if (!data?.pages) continue;
        queryClient.setQueryData<ListData>(listKey, {
          ...data,
          pages: data.pages.map((page) => ({
            ...page,
            items: page.items.map((c) => (c.id === conversation.id ? { ...c, status } : c)),
          })),
        });
      }
      return { previous, lists };
    },
    onError: (_err, _status, context) => {
      if (context?.previous) queryClient.setQueryData(key, context.previous);
      for (const [listKey, data] of context?.lists ?? []) queryClient.setQueryData(listKey, data);
    },
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: key });
      void queryClient.invalidateQueries({ queryKey: queryKeys.conversations.lists });
    },
  });
}

export function useConvert(conversationId: string) {
  const { api } = useSession();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (input: { priority: Ticket['priority']; projectId: string | null }) =>
      (
        await api.post<Ticket>(`/conversations/${conversationId}/ticket`, {
          priority: input.priority,
          ...(input.projectId ? { projectId: input.projectId } : {}),
        })
      ).data,
    onSettled: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.conversations.detail(conversationId) });
      void queryClient.invalidateQueries({ queryKey: queryKeys.conversations.lists });
      void queryClient.invalidateQueries({ queryKey: queryKeys.tickets.lists });
    },
  });
}
