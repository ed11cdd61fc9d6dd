// The contact list's filters as they live in the URL (?tier=at-risk&q=…&company=…).

export const tierValues = ['all', 'healthy', 'at-risk', 'churned'] as const;
export type TierFilter = (typeof tierValues)[number];

export interface ContactFilters {
  tier: TierFilter;
  search: string;
  company: string;
}

export function filtersFromSearch(params: URLSearchParams): ContactFilters {
  const tier = params.get('tier') ?? '';
  return {
    tier: (tierValues as readonly string[]).includes(tier) ? (tier as TierFilter) : 'all',
    search: params.get('q') ?? '',
    company: params.get('company') ?? '',
  };
}
