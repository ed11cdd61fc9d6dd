// What the agent can do from the inbox: move the cursor, open, tick, and triage (resolve,
// assign to me, priority, tags) the ticked tickets or, with none ticked, the one under the
// cursor. Shared by the keyboard, the bulk bar and the command palette.
import { useCallback, useState } from 'react';
import { useLocation } from 'wouter';
import { PAGE_SIZE } from '../api/queries/tickets.ts';
import type { Ticket } from '../api/types.ts';
import { useSession } from '../app/context.tsx';
import { usePermissions } from '../app/permissions.ts';
import { toast } from '../components/toast.tsx';
import type { TicketChange } from '../ticket/optimistic.ts';
import { useTicketChanges } from '../ticket/useTicketChanges.ts';
import { moveCursor, rowAt } from './paging.ts';
import type { InboxState, InboxStore } from './state.tsx';

export function useInboxActions(
  store: InboxStore,
  state: InboxState,
  pages: ReadonlyMap<number, readonly Ticket[]>,
  total: number | undefined,
) {
  const { me } = useSession();
  const { can, why } = usePermissions();
  const [, navigate] = useLocation();
  const { changeTicket, changeTickets } = useTicketChanges();
  const [busy, setBusy] = useState(false);

  const current = state.cursor.index >= 0 ? rowAt(pages, state.cursor.index, PAGE_SIZE) : undefined;

  const move = useCallback(
    (delta: number) => {
      if (!total) return;
      const index = moveCursor(store.get().cursor.index, delta, total);
      store.update({ cursor: { index, id: rowAt(pages, index, PAGE_SIZE)?.id ?? null } });
    },
    [store, pages, total],
  );

  const open = useCallback(
    (index: number, id: string) => {
      store.update({ cursor: { index, id } });
      navigate(`/tickets/${id}`);
    },
    [store, navigate],
  );

  const toggle = useCallback(
    (index: number, id: string) => {
      store.toggle(id);
      store.update({ cursor: { index, id } });
    },
    [store],
  );

  /** Applies a change to the ticked tickets (bulk) or the current one. */
  const apply = useCallback(
    async (change: TicketChange, what: string, done: string) => {
      if (!can('tickets:write')) return void toast(why('tickets:write'), 'error');
      const selected = [...store.get().selected];
      if (selected.length > 0) {
        setBusy(true);
        const ok = await changeTickets(selected, change, what, done);
        setBusy(false);
        if (ok) store.clearSelection();
        return;
      }
      if (!current) return;
      await changeTicket(current.id, change, what, { done: `${done} “${current.subject}”` });
    },
    [store, current, changeTicket, changeTickets, can, why],
  );

  return {
    current,
    busy,
    move,
    open,
    toggle,
    openCurrent: () => current && open(state.cursor.index, current.id),
    toggleCurrent: () => current && toggle(state.cursor.index, current.id),
    resolve: () => apply({ status: 'resolved' }, 'resolve', 'Resolved'),
    assignToMe: () => apply({ assignedTo: me.id }, 'assign', 'Assigned to you:'),
    setPriority: (priority: Ticket['priority']) => apply({ priority }, 'change the priority', `Priority ${priority}:`),
    addTag: (tag: string) => apply({ addTags: [tag] }, 'add the tag', `Tagged “${tag}”:`),
  };
}
