// Team sync: paired devices (cached as Device[] under queryKeys.devices, live first), pairing
// codes (never cached: shown once), and this install's sync status for the top bar.
import { useQuery } from '@tanstack/react-query';
import { useSession } from '../../app/context.tsx';
import { ApiError, type ApiClient } from '../client.ts';
import { useCollection } from '../collection.ts';
import { queryKeys } from '../queryKeys.ts';
import type { Device, PairingCode, PairingCodeCreateBody, SyncStatus } from '../types.ts';

export const useDevices = (options: { enabled?: boolean } = {}) => useCollection<Device>(queryKeys.devices, '/devices', options);

export async function createPairingCode(api: ApiClient, body: PairingCodeCreateBody = {}): Promise<PairingCode> {
  return (await api.post<PairingCode>('/pairing-codes', body)).data;
}

/**
 * GET /sync/status every 5 s. A server without team sync answers 404 (or 405): that is "no
 * status" (null), not an error, and it is asked again less often.
 */
export function useSyncStatus() {
  const { api } = useSession();
  return useQuery<SyncStatus | null>({
    queryKey: queryKeys.syncStatus,
    retry: false,
    // A host stays a host while it runs: only a replica's state is worth asking for again.
    refetchInterval: (query) => {
      const data = query.state.data;
      if (data?.role === 'host') return false;
      return data === null ? 60_000 : 5_000; // no sync here: look again rarely; a replica, or not known yet: often
    },
    queryFn: async ({ signal }): Promise<SyncStatus | null> => {
      try {
        return (await api.get<SyncStatus>('/sync/status', { signal })).data;
      } catch (err) {
        if (err instanceof ApiError && (err.status === 404 || err.status === 405)) return null;
        throw err;
      }
    },
  });
}
