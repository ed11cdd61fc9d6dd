// Changing tickets the way the UI promises: the screen updates at once, the request follows,
// and a refusal puts things back and shows the API's message. Changes to one ticket run one
// after another, each PATCH carrying the ETag of the latest read (If-Match), so a change made
// by someone else in between is a 412, not silently overwritten.
import { type QueryClient, isCancelledError, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { ApiError, type ApiClient } from '../api/client.ts';
import { bulkUpdate, patchTicket, ticketQuery } from '../api/queries/tickets.ts';
import { queryKeys } from '../api/queryKeys.ts';
import type { Ticket } from '../api/types.ts';
import { useSession } from '../app/context.tsx';
import { toast } from '../components/toast.tsx';
import { applyOptimistic, rollbackOptimistic } from './cache.ts';
import { type TicketChange, isNoop, toPatchBody } from './optimistic.ts';

interface Queue {
  tail: Promise<unknown>;
  waiting: number;
}

// Per query client: each ticket's queue of changes (its tail, and how many are in it).
const queues = new WeakMap<QueryClient, Map<string, Queue>>();

function queueOf(qc: QueryClient, id: string): Queue {
  let byId = queues.get(qc);
  if (!byId) queues.set(qc, (byId = new Map()));
  let queue = byId.get(id);
  if (!queue) byId.set(id, (queue = { tail: Promise.resolve(), waiting: 0 }));
  return queue;
}

function enqueue<T>(qc: QueryClient, id: string, task: () => Promise<T>): Promise<T> {
  const queue = queueOf(qc, id);
  queue.waiting++;
  const run = queue.tail.then(task, task).finally(() => queue.waiting--);
  queue.tail = run.catch(() => undefined);
  return run;
}

/**
 * Re-reads the ticket (and so its ETag) after a change. Another change may cancel this read
 * to show its own optimistic state; then read again, so the next If-Match is current.
 */
export async function refreshTicket(qc: QueryClient, api: ApiClient, id: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      await qc.fetchQuery({ ...ticketQuery(api, qc, id), staleTime: 0 });
      return;
    } catch (err) {
      if (!isCancelledError(err)) return;
    }
  }
}

export interface ChangeOptions {
  /** Past-tense summary for the toast on success ("Resolved"); none when omitted. */
  done?: string;
  /** Send If-Match with the ticket's ETag (the open ticket page does; list rows have none). */
  ifMatch?: boolean;
}

function failed(err: unknown, what: string): void {
  const message = err instanceof ApiError ? err.message : 'Something went wrong.';
  toast(`Could not ${what}: ${message}`, 'error');
}

/** Changes one ticket (outside React too: the outbox applies a macro's changes); true when accepted. */
export async function changeTicket(qc: QueryClient, api: ApiClient, id: string, change: TicketChange, what: string, options: ChangeOptions = {}): Promise<boolean> {
  const shown = qc.getQueryData<Ticket>(queryKeys.tickets.detail(id));
  if (shown && isNoop(shown, change)) return true;
  // A background refetch must not paint over the optimistic state; our own queued
  // changes' re-reads are left alone (they fetch the ETag the next change needs).
  if (queueOf(qc, id).waiting === 0) await qc.cancelQueries({ queryKey: queryKeys.tickets.detail(id), exact: true });
  const snapshot = applyOptimistic(qc, [id], change, new Date().toISOString());
  const before: Ticket | undefined = snapshot.before.get(id);
  return enqueue(qc, id, async () => {
    const detailCached = qc.getQueryState(queryKeys.tickets.detail(id)) !== undefined;
    try {
      const base = before ?? qc.getQueryData<Ticket>(queryKeys.tickets.detail(id));
      const body = base ? toPatchBody(base, change) : toPatchBody(emptyTicket(id), change);
      const etag = options.ifMatch ? qc.getQueryData<string | null>(queryKeys.tickets.etag(id)) : null;
      await patchTicket(api, id, body, etag);
      if (detailCached) await refreshTicket(qc, api, id);
      void qc.invalidateQueries({ queryKey: queryKeys.tickets.lists });
      if (options.done) toast(options.done, 'success');
      return true;
    } catch (err) {
      rollbackOptimistic(qc, snapshot);
      if (err instanceof ApiError && err.status === 412) {
        toast('Someone else changed this ticket just now. It has been reloaded: check it and try again.', 'error');
        await refreshTicket(qc, api, id);
      } else {
        failed(err, what);
      }
      void qc.invalidateQueries({ queryKey: queryKeys.tickets.lists });
      return false;
    }
  });
}

export function useTicketChanges() {
  const { api } = useSession();
  const qc = useQueryClient();

  const changeOne = useCallback(
    (id: string, change: TicketChange, what: string, options: ChangeOptions = {}) => changeTicket(qc, api, id, change, what, options),
    [api, qc],
  );

  /** The same change to many tickets at once, through POST /tickets/bulk (all or nothing). */
  const changeTickets = useCallback(
    async (ids: readonly string[], change: TicketChange, what: string, done?: string): Promise<boolean> => {
      if (ids.length === 0) return true;
      if (change.tags !== undefined) throw new Error('bulk changes add or remove tags, never replace them');
      const snapshot = applyOptimistic(qc, ids, change, new Date().toISOString());
      try {
        const set = {
          status: change.status,
          priority: change.priority,
          assignedTo: change.assignedTo,
          projectId: change.projectId,
          addTags: change.addTags,
          removeTags: change.removeTags,
        };
        const result = await bulkUpdate(api, ids, set);
        if (done) toast(`${done} ${result.updated} ticket${result.updated === 1 ? '' : 's'}`, 'success');
        return true;
      } catch (err) {
        rollbackOptimistic(qc, snapshot);
        failed(err, what);
        return false;
      } finally {
        void qc.invalidateQueries({ queryKey: queryKeys.tickets.lists });
        for (const id of ids) void qc.invalidateQueries({ queryKey: queryKeys.tickets.detail(id), exact: true });
      }
    },
    [api, qc],
  );

  return { changeTicket: changeOne, changeTickets };
}

/** A stand-in when a ticket is in no cache: only its id matters to toPatchBody's non-tag fields. */
function emptyTicket(id: string): Ticket {
  const epoch = new Date(0).toISOString();
  return {
    id,
    number: 0,
    subject: '',
    description: '',
    status: 'open',
    priority: 'medium',
    contactId: '',
    contactEmail: '',
    assignedTo: null,
    projectId: null,
    tags: [],
    conversationId: null,
    sla: { firstResponseDueAt: epoch, resolutionDueAt: epoch, breached: false },
    firstResponseAt: null,
    resolvedAt: null,
    createdAt: epoch,
    updatedAt: epoch,
    externalId: null,
  };
}
