// Tickets over the public /api/v1: list pages, one ticket with its thread, and the writes on
// them. Cached under queryKeys.tickets (see ../queryKeys.ts).
import { useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query';
import { useSession } from '../../app/context.tsx';
import type { ApiClient } from '../client.ts';
import { pause } from '../collection.ts';
import { queryKeys } from '../queryKeys.ts';
import type { TicketQuery } from '../types.ts';
import type { BulkUpdateBody, BulkUpdateResult, Message, Ticket, TicketCreateBody, TicketDetail, TicketPatchBody } from '../types.ts';

export { PAGE_SIZE } from '../collection.ts';
export type { SortField as TicketSortField, TicketQuery } from '../types.ts';

export interface TicketPage {
  rows: Ticket[];
  total: number;
}

export async function listTickets(api: ApiClient, query: TicketQuery, signal?: AbortSignal): Promise<TicketPage> {
  const { data, meta } = await api.get<Ticket[]>('/tickets', { query: { ...query }, signal });
  return { rows: data, total: meta?.total ?? data.length };
}

const path = (id: string) => `/tickets/${encodeURIComponent(id)}`;

/** The query for one ticket; remembers the ETag (for If-Match) beside it. */
export function ticketQuery(api: ApiClient, qc: QueryClient, id: string) {
  return {
    queryKey: queryKeys.tickets.detail(id),
    queryFn: async ({ signal }: { signal: AbortSignal }): Promise<TicketDetail> => {
      const { data, etag } = await api.get<TicketDetail>(path(id), { signal });
      qc.setQueryData(queryKeys.tickets.etag(id), etag);
      return data;
    },
  };
}

export function useTicket(id: string) {
  const { api } = useSession();
  const qc = useQueryClient();
  return useQuery(ticketQuery(api, qc, id));
}

export async function createTicket(api: ApiClient, body: TicketCreateBody): Promise<Ticket> {
  return (await api.post<Ticket>('/tickets', body)).data;
}

/** PATCH with If-Match when an ETag is known: a 412 means someone else changed it first. */
export async function patchTicket(api: ApiClient, id: string, body: TicketPatchBody, etag?: string | null): Promise<Ticket> {
  const headers: Record<string, string> = etag ? { 'If-Match': etag } : {};
  return (await api.patch<Ticket>(path(id), body, { headers })).data;
}

export async function addMessage(
  api: ApiClient,
  id: string,
  body: { body: string; internal: boolean; attachments?: readonly string[] },
): Promise<Message> {
  const attachments = body.attachments?.length ? { attachments: [...body.attachments] } : {};
  return (await api.post<Message>(`${path(id)}/messages`, { body: body.body, internal: body.internal, sender: 'agent', ...attachments })).data;
}

/** POST /tickets/bulk, in chunks of the API's 500-id limit. */
export async function bulkUpdate(api: ApiClient, ids: readonly string[], set: BulkUpdateBody['set']): Promise<BulkUpdateResult> {
  const total: BulkUpdateResult = { updated: 0, notFound: [] };
  for (let i = 0; i < ids.length; i += 500) {
    const { data } = await api.post<BulkUpdateResult>('/tickets/bulk', { ids: ids.slice(i, i + 500), set });
    total.updated += data.updated;
    total.notFound.push(...data.notFound);
  }
  return total;
}

/** Posts a macro's reply (as the agent edited it) and runs its actions, all or nothing. */
export async function applyMacro(
  api: ApiClient,
  id: string,
  macroId: string,
  body: string,
  attachments: readonly string[] = [],
): Promise<Ticket> {
  const files = attachments.length ? { attachments: [...attachments] } : {};
  return (await api.post<Ticket>(`${path(id)}/apply-macro`, { macroId, body, ...files })).data;
}

export async function mergeTickets(api: ApiClient, id: string, sourceIds: readonly string[]): Promise<TicketDetail> {
  return (await api.post<TicketDetail>(`${path(id)}/merge`, { sourceIds })).data;
}

/**
 * One small list (a picker, a view's count). `coalesceMs` delays a refetch so a burst of live
 * events costs one request (see pause()).
 */
export function useTicketList(query: TicketQuery, options: { enabled?: boolean; staleTime?: number; coalesceMs?: number } = {}) {
  const { api } = useSession();
  const qc = useQueryClient();
  const queryKey = queryKeys.tickets.list(query);
  return useQuery({
    queryKey,
    queryFn: async ({ signal }) => {
      if (options.coalesceMs && qc.getQueryData(queryKey) !== undefined) await pause(options.coalesceMs, signal);
      return listTickets(api, query, signal);
    },
    enabled: options.enabled ?? true,
    staleTime: options.staleTime,
  });
}
