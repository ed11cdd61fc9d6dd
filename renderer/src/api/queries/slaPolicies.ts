// SLA policies, one per priority. Cached as SlaPolicy[] under queryKeys.slaPolicies.
import { useQuery } from '@tanstack/react-query';
import { useSession } from '../../app/context.tsx';
import { queryKeys } from '../queryKeys.ts';
import type { SlaPolicy } from '../types.ts';

export function useSlaPolicies() {
  const { api } = useSession();
  return useQuery({
    queryKey: queryKeys.slaPolicies,
    queryFn: async ({ signal }) => (await api.get<SlaPolicy[]>('/sla-policies', { signal })).data,
  });
}
