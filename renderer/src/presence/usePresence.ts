// Presence in the UI: who else has a ticket open or is replying. One cache (queryKeys.presence)
// of every ticket someone has open, loaded once and kept current by the `presence` messages of
// the live stream; and the heartbeat this tab sends while a ticket is open.
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { queryKeys } from '../api/queryKeys.ts';
import type { PresencePerson, TicketPresence } from '../api/types.ts';
import { useSession } from '../app/context.tsx';
import { onLive } from '../app/liveBus.ts';

const heartbeatMs = 10_000;

/** Every ticket someone has open, kept current live. Mount once (the layout does). */
export function usePresenceFeed(): void {
  const { api } = useSession();
  const qc = useQueryClient();
  useQuery({
    queryKey: queryKeys.presence,
    queryFn: async ({ signal }) => (await api.get<TicketPresence[]>('/presence', { signal })).data,
    staleTime: Infinity,
  });
  useEffect(
    () =>
      onLive('presence', (data) => {
        const update = data as TicketPresence;
        qc.setQueryData<TicketPresence[]>(queryKeys.presence, (old = []) => [
          ...old.filter((t) => t.ticketId !== update.ticketId),
          ...(update.people.length > 0 ? [update] : []),
        ]);
      }),
    [qc],
  );
}

/** The other people on a ticket (never the signed-in user). */
export function useOthersOn(ticketId: string): PresencePerson[] {
  const { me } = useSession();
  const { data } = useQuery<TicketPresence[]>({ queryKey: queryKeys.presence, enabled: false });
  return useMemo(
    () => (data ?? []).find((t) => t.ticketId === ticketId)?.people.filter((p) => p.userId !== me.id) ?? [],
    [data, ticketId, me.id],
  );
}

/** Tells the others this tab has the ticket open (and whether a reply is being typed). */
export function usePresenceBeat(ticketId: string, replying: boolean): void {
  const { api } = useSession();
  useEffect(() => {
    const state = replying ? 'replying' : 'viewing';
    const beat = () => void api.post('/presence', { ticketId, state }).catch(() => undefined);
    beat();
    const timer = setInterval(beat, heartbeatMs);
    return () => clearInterval(timer);
  }, [api, ticketId, replying]);
  useEffect(() => {
    const leave = () => void api.post('/presence', { ticketId, state: 'left' }).catch(() => undefined);
    window.addEventListener('pagehide', leave);
    return () => {
      window.removeEventListener('pagehide', leave);
      leave();
    };
  }, [api, ticketId]);
}
