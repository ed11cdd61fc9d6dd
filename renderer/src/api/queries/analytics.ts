// The dashboard's summary. Cached as AnalyticsSummary under queryKeys.analytics(days).
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useSession } from '../../app/context.tsx';
import { queryKeys } from '../queryKeys.ts';
import type { AnalyticsSummary } from '../types.ts';

export function useAnalytics(days: number, enabled = true) {
  const { api } = useSession();
  return useQuery({
    queryKey: queryKeys.analytics(days),
    queryFn: async ({ signal }) => (await api.get<AnalyticsSummary>('/analytics/summary', { query: { days }, signal })).data,
    placeholderData: keepPreviousData,
    enabled,
  });
}
