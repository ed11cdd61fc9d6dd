// A ticket's activity from the event feed (GET /events?resourceId=, needs events:read). Cached
// as ActivityItem[] under queryKeys.tickets.activity(id), inside the ticket's own family, so
// whatever refreshes the ticket refreshes its activity too.
import { useQuery } from '@tanstack/react-query';
import { useSession } from '../../app/context.tsx';
import { activityFromEvents } from '../../ticket/activity.ts';
import type { FeedEvent } from '../types.ts';
import { queryKeys } from '../queryKeys.ts';

export function useTicketActivity(ticketId: string, enabled: boolean) {
  const { api } = useSession();
  return useQuery({
    queryKey: queryKeys.tickets.activity(ticketId),
    enabled,
    retry: false,
    queryFn: async ({ signal }) => {
      // The newest 100: a long history loses its oldest lines, never its latest.
      const { data } = await api.get<FeedEvent[]>('/events', { query: { resourceId: ticketId, limit: 100, sortOrder: 'desc' }, signal });
      return activityFromEvents(data);
    },
  });
}
