import type { QueryClient, QueryKey } from '@tanstack/react-query';
import { queryKeys } from '../api/queryKeys.ts';
import type { LiveEvent } from '../api/types.ts';

/**
 * Turns one live event into the query invalidations it implies, through the same key registry
 * the pages read: exactly the lists and the one resource that changed, so an open ticket
 * refreshes when it changes and not otherwise. Returns the keys (for tests).
 */
export function keysForEvent(event: LiveEvent): QueryKey[] {
  const [family] = event.type.split('.');
  const data = (event.data ?? {}) as { ticketId?: string; conversationId?: string };
  const id = event.resourceId ?? '';
  switch (family) {
    case 'ticket':
      return [queryKeys.tickets.lists, queryKeys.tickets.detail(id), queryKeys.analyticsAll];
    case 'message':
      if (data.ticketId) return [queryKeys.tickets.detail(data.ticketId), queryKeys.tickets.lists];
      if (data.conversationId) return [queryKeys.conversations.detail(data.conversationId), queryKeys.conversations.lists];
      return [];
    case 'conversation':
      return [queryKeys.conversations.lists, queryKeys.conversations.detail(id)];
    case 'contact':
      return [queryKeys.contacts.lists, queryKeys.contacts.detail(id)];
    case 'user':
      return [queryKeys.users];
    case 'api_key':
      return [queryKeys.apiKeys];
    case 'device':
      return [queryKeys.devices];
    case 'project':
      return [queryKeys.projects];
    case 'tag':
      return [queryKeys.tags, queryKeys.tickets.lists];
    case 'macro':
      return [queryKeys.macros];
    case 'sla_policy':
      return [queryKeys.slaPolicies];
    case 'workflow':
      return [queryKeys.workflows];
    case 'view':
      return [queryKeys.views];
    case 'mailbox':
      return [queryKeys.mailboxes];
    default:
      return [];
  }
}

export function applyLiveEvent(queryClient: QueryClient, event: LiveEvent): void {
  for (const queryKey of keysForEvent(event)) void queryClient.invalidateQueries({ queryKey });
}
