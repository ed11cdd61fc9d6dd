// The one way the UI talks to LocalDesk: the public /api/v1, exactly as any LAN integration
// would. Every response is the envelope `{ data, meta?, error }`.
import { observeServerDate } from '../components/clock.ts';
import type { ListMeta } from './types.ts';

export interface FieldProblem {
  path: string;
  message: string;
}

/** A failed call: `status` is 0 when the server could not be reached at all. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The per-field problems of a 400, if any. */
  get problems(): FieldProblem[] {
    const errors = this.details?.errors;
    return Array.isArray(errors) ? (errors as FieldProblem[]) : [];
  }
}

export interface ApiResult<T> {
  data: T;
  meta?: ListMeta;
  etag: string | null;
}

export interface RequestOptions {
  query?: Record<string, string | number | boolean | null | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  signal?: AbortSignal;
}

export interface ApiClientOptions {
  /** The key to send; null sends none (the session cookie, if any, authenticates instead). */
  getKey: () => string | null;
  /** Called on any 401, so the app can return to sign-in with the server's message. */
  onUnauthorized?: (message: string) => void;
  baseUrl?: string;
}

export function toQueryString(query: RequestOptions['query']): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

function errorOf(body: unknown): { code: string; message: string; details: Record<string, unknown> | null } | null {
  if (typeof body !== 'object' || body === null || !('error' in body)) return null;
  const error = (body as { error: unknown }).error;
  if (typeof error !== 'object' || error === null) return null;
  const { code, message, details } = error as { code?: unknown; message?: unknown; details?: unknown };
  if (typeof code !== 'string' || typeof message !== 'string') return null;
  return { code, message, details: typeof details === 'object' && details !== null ? (details as Record<string, unknown>) : null };
}

export class ApiClient {
  constructor(private readonly options: ApiClientOptions) {}

  get key(): string | null {
    return this.options.getKey();
  }

  get baseUrl(): string {
    return this.options.baseUrl ?? '';
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResult<T>> {
    const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
    const key = this.options.getKey();
    if (key) headers['X-API-Key'] = key;
    // Signed in with a password, the session cookie goes along by itself (same origin); the
    // server takes a write made with it only with this header, which another site cannot send.
    headers['X-LocalDesk-CSRF'] = '1';
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    let res: Response;
    const sentAt = Date.now();
    try {
      res = await fetch(`${this.baseUrl}/api/v1${path}${toQueryString(options.query)}`, {
        method,
        headers,
        body,
        signal: options.signal,
      });
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') throw err;
      throw new ApiError(0, 'NETWORK', 'Could not reach the LocalDesk server.');
    }
    // Every answer tells the server's time: the UI's clock follows it (components/clock.ts).
    observeServerDate(res.headers.get('date'), sentAt, Date.now());
    if (res.status === 204) return { data: undefined as T, etag: null };
    const parsed: unknown = await res.json().catch(() => null);
    const error = errorOf(parsed);
    if (!res.ok || error) {
      const failure = new ApiError(
        res.status,
        error?.code ?? `HTTP_${res.status}`,
        error?.message ?? `Unexpected response: ${res.status} ${res.statusText}`,
        error?.details ?? null,
      );
      if (res.status === 401) this.options.onUnauthorized?.(failure.message);
      throw failure;
    }
    const envelope = parsed as { data: T; meta?: ListMeta };
    return { data: envelope.data, meta: envelope.meta, etag: res.headers.get('etag') };
  }

  get<T>(path: string, options?: RequestOptions) {
    return this.request<T>('GET', path, options);
  }
  post<T>(path: string, body?: unknown, options?: RequestOptions) {
    return this.request<T>('POST', path, { ...options, body: body ?? {} });
  }
  patch<T>(path: string, body: unknown, options?: RequestOptions) {
    return this.request<T>('PATCH', path, { ...options, body });
  }
  put<T>(path: string, body: unknown, options?: RequestOptions) {
    return this.request<T>('PUT', path, { ...options, body });
  }
  delete(path: string, options?: RequestOptions) {
    return this.request<undefined>('DELETE', path, options);
  }
}
