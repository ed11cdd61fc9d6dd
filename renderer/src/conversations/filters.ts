// The conversation list's filters as they live in the URL (?channel=chat&status=archived&q=…).

export const channelValues = ['all', 'email', 'chat', 'widget'] as const;
export type ChannelFilter = (typeof channelValues)[number];
export const statusValues = ['active', 'archived'] as const;
export type StatusFilter = (typeof statusValues)[number];

export interface ConversationFilters {
  channel: ChannelFilter;
  status: StatusFilter;
  search: string;
}

/** Reads the filters from the URL's query string, falling back to defaults for junk. */
export function filtersFromSearch(params: URLSearchParams): ConversationFilters {
  const channel = params.get('channel');
  const status = params.get('status');
  return {
    channel: (channelValues as readonly string[]).includes(channel ?? '') ? (channel as ChannelFilter) : 'all',
    status: (statusValues as readonly string[]).includes(status ?? '') ? (status as StatusFilter) : 'active',
    search: params.get('q') ?? '',
  };
}
