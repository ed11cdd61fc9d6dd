// The open ticket's actions beyond field changes: post a reply or note (shown at once, marked
// "Sending…"), apply a macro, merge other tickets in. Each re-reads the ticket afterwards, which
// also refreshes the ETag the next PATCH sends.
import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { ApiError } from '../api/client.ts';
import { addMessage, applyMacro, mergeTickets, ticketKeys } from '../api/tickets.ts';
import type { Macro, Message, TicketDetail } from '../api/types.ts';
import { useSession } from '../app/context.tsx';
import { pendingPrefix } from './Thread.tsx';
import { useToast } from './toasts.tsx';
import { refreshTicket } from './useTicketChanges.ts';

let pendingCount = 0;

export function useTicketActions(id: string, now: number) {
  const { api, me } = useSession();
  const qc = useQueryClient();
  const toast = useToast();

  const reload = useCallback(async () => {
    await refreshTicket(qc, api, id);
    void qc.invalidateQueries({ queryKey: ['tickets'] });
  }, [api, qc, id]);

  const fail = useCallback(
    (err: unknown, what: string) => toast(`Could not ${what}: ${err instanceof ApiError ? err.message : 'something went wrong.'}`, 'error'),
    [toast],
  );

  const send = useCallback(
    async (body: string, internal: boolean): Promise<boolean> => {
      const pending: Message = {
        id: `${pendingPrefix}${++pendingCount}`,
        ticketId: id,
        body,
        sender: 'agent',
        authorId: me.id,
        internal,
        bodyHtml: null,
        bodyFull: null,
        email: null,
        delivery: null,
        createdAt: new Date(now || Date.now()).toISOString(),
      };
      await qc.cancelQueries({ queryKey: ticketKeys.one(id), exact: true });
      const withPending = (t: TicketDetail | undefined) => t && { ...t, messages: [...t.messages, pending] };
      qc.setQueryData<TicketDetail>(ticketKeys.one(id), withPending);
      try {
        await addMessage(api, id, { body, internal });
        await reload();
        toast(internal ? 'Note added' : 'Reply sent', 'success');
        return true;
      } catch (err) {
        qc.setQueryData<TicketDetail>(ticketKeys.one(id), (t) => t && { ...t, messages: t.messages.filter((m) => m.id !== pending.id) });
        fail(err, internal ? 'add the note' : 'send the reply');
        return false;
      }
    },
    [api, qc, id, me.id, now, reload, toast, fail],
  );

  const runMacro = useCallback(
    async (macro: Macro): Promise<boolean> => {
      try {
        await applyMacro(api, id, macro.id);
        await reload();
        toast(`Applied “${macro.name}”`, 'success');
        return true;
      } catch (err) {
        fail(err, `apply “${macro.name}”`);
        return false;
      }
    },
    [api, id, reload, toast, fail],
  );

  const merge = useCallback(
    async (sourceIds: string[]): Promise<boolean> => {
      try {
        await mergeTickets(api, id, sourceIds);
        await reload();
        for (const source of sourceIds) void qc.invalidateQueries({ queryKey: ticketKeys.one(source), exact: true });
        toast(`Merged ${sourceIds.length} ticket${sourceIds.length === 1 ? '' : 's'} into this one`, 'success');
        return true;
      } catch (err) {
        fail(err, 'merge');
        return false;
      }
    },
    [api, qc, id, reload, toast, fail],
  );

  return { send, runMacro, merge };
}
