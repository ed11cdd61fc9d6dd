import { useQueryClient } from '@tanstack/react-query';
import { useSession } from './context.tsx';

/** The session's API client and the query client: what every settings mutation needs. */
export function useTeamApi() {
  const { api } = useSession();
  const queryClient = useQueryClient();
  return { api, queryClient };
}
