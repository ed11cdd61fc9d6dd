// Mailboxes (e-mail in and out) and the mail each keeps aside. Mailboxes are cached as
// Optional<Mailbox[]> (a server without the mail API answers 404: `unavailable`) and refetched
// while shown, since their fetch state (last check, error) changes without events.
import { useQuery } from '@tanstack/react-query';
import { useSession } from '../../app/context.tsx';
import { listAll, listOptional } from '../collection.ts';
import { queryKeys } from '../queryKeys.ts';
import type { Mailbox, QuarantinedMail } from '../types.ts';

export function useMailboxes(options: { enabled?: boolean } = {}) {
  const { api } = useSession();
  return useQuery({
    queryKey: queryKeys.mailboxes,
    retry: false,
    refetchInterval: 10_000,
    enabled: options.enabled ?? true,
    queryFn: ({ signal }) => listOptional<Mailbox>(api, '/mailboxes', signal),
  });
}

export function useQuarantine(mailboxId: string) {
  const { api } = useSession();
  return useQuery({
    queryKey: queryKeys.quarantine(mailboxId),
    queryFn: ({ signal }) => listAll<QuarantinedMail>(api, `/mailboxes/${mailboxId}/quarantine`, signal),
  });
}
