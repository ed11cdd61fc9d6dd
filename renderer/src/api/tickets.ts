// Ticket calls of the public /api/v1 and the query keys the UI caches them under. The keys
// are the ones live updates invalidate (app/liveSync.ts): ['tickets', params] for list pages,
// ['ticket', id] for one ticket; lookups are ['users'], ['projects'], ['tags'], ['macros']
// holding plain arrays, and ['contact', id].
import type { ApiClient } from './client.ts';
import type {
  BulkUpdateBody,
  BulkUpdateResult,
  ContactDetail,
  Message,
  Ticket,
  TicketDetail,
  TicketPatchBody,
} from './types.ts';

/** Rows per list request: the API's maximum. */
export const PAGE_SIZE = 100;

export type TicketSortField = 'createdAt' | 'updatedAt' | 'priority' | 'status';

/** GET /tickets parameters, as sent. Comma lists for status and priority. */
export interface TicketQuery {
  status?: string;
  priority?: string;
  assignedTo?: string;
  projectId?: string;
  tag?: string;
  contactId?: string;
  search?: string;
  sortBy?: TicketSortField;
  sortOrder?: 'asc' | 'desc';
  limit?: number;
  offset?: number;
}

export const ticketKeys = {
  list: (query: TicketQuery) => ['tickets', query] as const,
  one: (id: string) => ['ticket', id] as const,
  /** The ETag of the last GET of a ticket; outside the 'ticket' family so invalidation skips it. */
  etag: (id: string) => ['ticket-etag', id] as const,
  contact: (id: string) => ['contact', id] as const,
};

export interface TicketPage {
  rows: Ticket[];
  total: number;
}

export async function listTickets(api: ApiClient, query: TicketQuery, signal?: AbortSignal): Promise<TicketPage> {
  const { data, meta } = await api.get<Ticket[]>('/tickets', { query: { ...query }, signal });
  return { rows: data, total: meta?.total ?? data.length };
}

export async function getTicket(
  api: ApiClient,
  id: string,
  signal?: AbortSignal,
): Promise<{ ticket: TicketDetail; etag: string | null }> {
  const { data, etag } = await api.get<TicketDetail>(`/tickets/${encodeURIComponent(id)}`, { signal });
  return { ticket: data, etag };
}

/** PATCH with If-Match when an ETag is known: a 412 means someone else changed it first. */
export async function patchTicket(api: ApiClient, id: string, body: TicketPatchBody, etag?: string | null): Promise<Ticket> {
  const headers: Record<string, string> = etag ? { 'If-Match': etag } : {};
  const { data } = await api.patch<Ticket>(`/tickets/${encodeURIComponent(id)}`, body, { headers });
  return data;
}

export async function addMessage(
  api: ApiClient,
  id: string,
  body: { body: string; internal: boolean; attachments?: string[] },
): Promise<Message> {
  const { data } = await api.post<Message>(`/tickets/${encodeURIComponent(id)}/messages`, {
    body: body.body,
    internal: body.internal,
    ...(body.attachments ? { attachments: body.attachments } : {}),
    sender: 'agent',
  });
  return data;
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

export async function applyMacro(api: ApiClient, id: string, macroId: string): Promise<Ticket> {
  const { data } = await api.post<Ticket>(`/tickets/${encodeURIComponent(id)}/apply-macro`, { macroId });
  return data;
}

export async function mergeTickets(api: ApiClient, id: string, sourceIds: readonly string[]): Promise<TicketDetail> {
  const { data } = await api.post<TicketDetail>(`/tickets/${encodeURIComponent(id)}/merge`, { sourceIds });
  return data;
}

export async function getContact(api: ApiClient, id: string, signal?: AbortSignal): Promise<ContactDetail> {
  const { data } = await api.get<ContactDetail>(`/contacts/${encodeURIComponent(id)}`, { signal });
  return data;
}

/**
 * Waits `ms` unless the signal aborts first. A refetch starts with this pause: live updates
 * invalidate lists once per event, React Query cancels a refetch that a newer one supersedes,
 * so a burst of events (a bulk change of 100 tickets) costs one request, not one per event.
 */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });
}

/** Every row of a small collection (users, projects, tags, macros), 100 per request. */
export async function listAll<T>(api: ApiClient, path: string, signal?: AbortSignal): Promise<T[]> {
  const rows: T[] = [];
  for (let offset = 0; ; offset += PAGE_SIZE) {
    const { data, meta } = await api.get<T[]>(path, { query: { limit: PAGE_SIZE, offset }, signal });
    rows.push(...data);
    if (data.length < PAGE_SIZE || rows.length >= (meta?.total ?? 0)) return rows;
  }
}
