// A tiny client for the envelope `{ data, meta?, error }`. The wire types here are hand-written
// for this first screen; they will come from the server's zod schemas once those exist.

export interface Me {
  name: string;
  role: string;
}

export interface TicketRow {
  id: string;
  subject: string;
  status: string;
  priority: string;
  contactEmail: string | null;
}

export interface ListMeta {
  total: number;
  limit: number;
  offset: number;
}

export interface Page<T> {
  data: T;
  meta?: ListMeta;
}

/** A failed call: `status` is 0 when the server could not be reached at all. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

interface ErrorBody {
  code: string;
  message: string;
}

function errorOf(body: unknown): ErrorBody | null {
  if (typeof body !== 'object' || body === null || !('error' in body)) return null;
  const { error } = body;
  if (typeof error !== 'object' || error === null) return null;
  if (!('code' in error) || !('message' in error)) return null;
  const { code, message } = error;
  return typeof code === 'string' && typeof message === 'string' ? { code, message } : null;
}

async function get<T>(path: string, apiKey: string): Promise<Page<T>> {
  let res: Response;
  try {
    res = await fetch(path, { headers: { 'X-API-Key': apiKey, Accept: 'application/json' } });
  } catch {
    throw new ApiError(0, 'NETWORK', 'Could not reach the LocalDesk server.');
  }
  const body: unknown = await res.json().catch(() => null);
  const error = errorOf(body);
  if (!res.ok || error) {
    throw new ApiError(
      res.status,
      error?.code ?? `HTTP_${res.status}`,
      error?.message ?? `Unexpected response: ${res.status} ${res.statusText}`,
    );
  }
  if (typeof body !== 'object' || body === null || !('data' in body)) {
    throw new ApiError(res.status, 'BAD_RESPONSE', 'The server sent a response without data.');
  }
  // Trusted cast: the server validates its responses against the same shapes.
  return body as Page<T>;
}

export const getMe = (apiKey: string) => get<Me>('/api/v1/users/me', apiKey);

export const listTickets = (apiKey: string) => get<TicketRow[]>('/api/v1/tickets?limit=20', apiKey);
