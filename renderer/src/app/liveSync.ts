import type { QueryClient } from '@tanstack/react-query';
import type { LiveEvent } from '../api/types.ts';

/**
 * Turns one live event into the query invalidations it implies: exactly the lists and the one
 * resource that changed, so an open ticket refreshes when it changes and not otherwise.
 * Returns the query keys it invalidated (for tests).
 */
export function keysForEvent(event: LiveEvent): unknown[][] {
  const [family] = event.type.split('.');
  const data = (event.data ?? {}) as { ticketId?: string; conversationId?: string };
  switch (family) {
    case 'ticket':
      return [['tickets'], ['ticket', event.resourceId], ['analytics']];
    case 'message':
      if (data.ticketId) return [['ticket', data.ticketId], ['tickets']];
      if (data.conversationId) return [['conversation', data.conversationId], ['conversations']];
      return [];
    case 'conversation':
      return [['conversations'], ['conversation', event.resourceId]];
    case 'contact':
      return [['contacts'], ['contact', event.resourceId]];
    case 'user':
      return [['users']];
    case 'api_key':
      return [['api-keys']];
    case 'project':
      return [['projects']];
    case 'tag':
      return [['tags'], ['tickets']];
    case 'macro':
      return [['macros']];
    case 'sla_policy':
      return [['sla-policies']];
    default:
      return [];
  }
}

export function applyLiveEvent(queryClient: QueryClient, event: LiveEvent): void {
  for (const queryKey of keysForEvent(event)) void queryClient.invalidateQueries({ queryKey });
}
