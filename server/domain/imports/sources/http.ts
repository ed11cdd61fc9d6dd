// The one HTTP client the sources share: global fetch with a timeout, credentials sent only to the
// configured origin, 429s waited out (Retry-After or the product's own header), the remaining-quota
// header honoured by pausing before the next request, 5xx and network failures retried with
// exponential back-off. It logs nothing; its errors carry the path, never a header or a secret.
import {
  type HttpTuning,
  ImportSourceError,
  type ProgressEvent,
  type SourceName,
} from './types.ts';

export interface QuotaPolicy {
  /** Header(s) with the requests left in the current window, first present wins. */
  remaining: string[];
  /** Header(s) with the seconds until the window resets, if the product sends one. */
  reset: string[];
  /** Pause this long when the quota is spent and no reset header says otherwise. */
  windowMs: number;
  /** Pause once remaining is at or below this. */
  reserve: number;
}

export interface HttpClientOptions {
  source: SourceName;
  baseUrl: string;
  /** Headers that authenticate a request; `refresh` after a 401 (token flows get a new token). */
  authorize: (refresh: boolean) => Promise<Record<string, string>>;
  /** Whether a 401 is worth one more try with `authorize(true)` (OAuth tokens expire). */
  refreshOn401?: boolean;
  /** Headers carrying the seconds to wait on a 429, first present wins. */
  retryAfter: string[];
  quota: QuotaPolicy | null;
  /** The product's own error text from an error response body. */
  productMessage: (body: unknown) => string | null;
  tuning?: HttpTuning;
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
}

export interface JsonResponse<T> {
  status: number;
  headers: Headers;
  data: T;
  /** Path and query of the request, for cursors and messages. */
  path: string;
}

const DEFAULTS: Required<HttpTuning> = {
  timeoutMs: 30_000,
  maxRetries: 5,
  backoffMs: 500,
  maxWaitMs: 15 * 60_000,
};

/** Waits, or rejects as soon as the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Seconds (or an HTTP date) from the first of the named headers present, as milliseconds. */
export function waitFromHeaders(headers: Headers, names: string[], now = Date.now()): number | null {
  for (const name of names) {
    const value = headers.get(name);
    if (value === null || value.trim() === '') continue;
    const seconds = Number(value);
    if (Number.isFinite(seconds)) return Math.max(0, Math.ceil(seconds * 1000));
    const date = Date.parse(value);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  return null;
}

function numberHeader(headers: Headers, names: string[]): number | null {
  for (const name of names) {
    const value = headers.get(name);
    if (value === null) continue;
    const n = Number(value);
    if (Number.isFinite(n)) return n;
  }
  return null;
}

export class HttpClient {
  private readonly base: URL;
  private readonly tuning: Required<HttpTuning>;
  /** The earliest time the next request may go out (set when the quota is spent). */
  private notBefore = 0;
  requests = 0;

  constructor(private readonly options: HttpClientOptions) {
    try {
      this.base = new URL(options.baseUrl);
    } catch (cause) {
      throw new ImportSourceError({
        source: options.source,
        code: 'input',
        message: `not a URL: ${JSON.stringify(options.baseUrl)}`,
        cause,
      });
    }
    if (this.base.protocol !== 'https:' && this.base.protocol !== 'http:') {
      throw new ImportSourceError({ source: options.source, code: 'input', message: `not an http(s) URL: ${this.base.origin}` });
    }
    this.tuning = { ...DEFAULTS, ...options.tuning };
  }

  /**
   * The absolute URL for a path, or for a link the product returned. A link to another origin is
   * re-rooted on the configured one: credentials never leave it, and a product that writes its
   * public host into links (behind a proxy, or in tests) still works.
   */
  url(pathOrUrl: string): URL {
    const prefix = this.base.pathname.replace(/\/$/, '');
    if (/^https?:\/\//i.test(pathOrUrl)) {
      const given = new URL(pathOrUrl);
      if (given.origin === this.base.origin) return given;
      return new URL(`${prefix}${given.pathname}${given.search}`, this.base.origin);
    }
    const path = pathOrUrl.startsWith('/') ? pathOrUrl : `/${pathOrUrl}`;
    return new URL(`${prefix}${path}`, this.base.origin);
  }

  /** Path and query, for cursors and error messages. */
  pathOf(pathOrUrl: string): string {
    const u = this.url(pathOrUrl);
    return `${u.pathname}${u.search}`;
  }

  async getJson<T>(pathOrUrl: string): Promise<JsonResponse<T>> {
    return this.json<T>('GET', pathOrUrl);
  }

  async json<T>(
    method: string,
    pathOrUrl: string,
    body?: { contentType: string; text: string },
    authenticate = true,
  ): Promise<JsonResponse<T>> {
    const res = await this.send(method, pathOrUrl, body, { authenticate, accept: 'application/json', foreign: false });
    const path = this.pathOf(pathOrUrl);
    const text = await res.text();
    try {
      return { status: res.status, headers: res.headers, data: JSON.parse(text) as T, path };
    } catch (cause) {
      throw new ImportSourceError({
        source: this.options.source,
        code: 'protocol',
        message: 'the response is not JSON',
        path,
        status: res.status,
        cause,
      });
    }
  }

  /** Raw bytes (attachments). `authenticate: false` for pre-signed URLs on other hosts. */
  async bytes(pathOrUrl: string, authenticate: boolean): Promise<{ bytes: Uint8Array; contentType: string }> {
    // Attachment links may redirect to a CDN; fetch drops Authorization on a cross-origin redirect.
    const res = await this.send('GET', pathOrUrl, undefined, { authenticate, accept: '*/*', foreign: !authenticate });
    return {
      bytes: new Uint8Array(await res.arrayBuffer()),
      contentType: res.headers.get('content-type') ?? 'application/octet-stream',
    };
  }

  private error(code: ImportSourceError['code'], message: string, path: string, status?: number, productMessage?: string | null, cause?: unknown) {
    return new ImportSourceError({ source: this.options.source, code, message, path, status, productMessage, cause });
  }

  private async wait(path: string, ms: number, reason: 'retry-after' | 'quota' | 'server-error' | 'network') {
    if (ms > this.tuning.maxWaitMs) {
      throw this.error('rate-limit', `asked to wait ${Math.round(ms / 1000)} s, more than the ${Math.round(this.tuning.maxWaitMs / 1000)} s allowed`, path);
    }
    if (ms <= 0) return;
    this.options.onProgress?.({ type: 'wait', path, ms, reason });
    try {
      await sleep(ms, this.options.signal);
    } catch (cause) {
      throw this.error('aborted', 'aborted', path, undefined, null, cause);
    }
  }

  private async productMessage(res: Response): Promise<string | null> {
    const text = await res.text().catch(() => '');
    if (!text) return res.statusText || null;
    try {
      return this.options.productMessage(JSON.parse(text)) ?? text.slice(0, 300);
    } catch {
      return text.slice(0, 300);
    }
  }

  /**
   * One logical request: waits out a spent quota, retries 5xx/network failures with back-off,
   * waits out 429s, refreshes the token once on a 401 where that helps. Resolves with a 2xx.
   */
  private async send(
    method: string,
    pathOrUrl: string,
    body: { contentType: string; text: string } | undefined,
    how: { authenticate: boolean; accept: string; foreign: boolean },
  ): Promise<Response> {
    const { authenticate, accept } = how;
    const url = how.foreign && /^https?:\/\//i.test(pathOrUrl) ? new URL(pathOrUrl) : this.url(pathOrUrl);
    const path = `${url.pathname}${url.search}`;
    let failures = 0;
    let limited = 0;
    let refreshed = false;
    for (;;) {
      if (this.options.signal?.aborted) throw this.error('aborted', 'aborted', path, undefined, null, this.options.signal.reason);
      const pause = this.notBefore - Date.now();
      if (pause > 0) await this.wait(path, pause, 'quota');

      const headers: Record<string, string> = { Accept: accept, 'User-Agent': 'LocalDesk-importer' };
      if (authenticate) Object.assign(headers, await this.options.authorize(refreshed));
      if (body) headers['Content-Type'] = body.contentType;
      const timeout = AbortSignal.timeout(this.tuning.timeoutMs);
      const signal = this.options.signal ? AbortSignal.any([this.options.signal, timeout]) : timeout;

      let res: Response;
      try {
        this.requests += 1;
        res = await fetch(url, { method, headers, body: body?.text, signal, redirect: accept === '*/*' ? 'follow' : 'manual' });
      } catch (cause) {
        if (this.options.signal?.aborted) throw this.error('aborted', 'aborted', path, undefined, null, cause);
        failures += 1;
        const what = timeout.aborted ? `no answer within ${this.tuning.timeoutMs} ms` : `could not connect (${(cause as Error).message})`;
        if (failures > this.tuning.maxRetries) throw this.error('network', `${what}, ${failures} attempts`, path, undefined, null, cause);
        await this.wait(path, this.backoff(failures), 'network');
        continue;
      }

      this.noteQuota(res.headers);
      if (res.ok) return res;

      if (res.status === 429) {
        await res.body?.cancel();
        limited += 1;
        if (limited > 20) throw this.error('rate-limit', 'still rate limited after 20 waits', path, 429);
        const ms = waitFromHeaders(res.headers, this.options.retryAfter) ?? this.backoff(limited);
        await this.wait(path, ms, 'retry-after');
        continue;
      }
      if (res.status >= 500) {
        const message = await this.productMessage(res);
        failures += 1;
        if (failures > this.tuning.maxRetries) throw this.error('server', `the server failed ${failures} times`, path, res.status, message);
        const ms = waitFromHeaders(res.headers, this.options.retryAfter) ?? this.backoff(failures);
        await this.wait(path, ms, 'server-error');
        continue;
      }
      if (res.status === 401 && this.options.refreshOn401 && !refreshed && authenticate) {
        await res.body?.cancel();
        refreshed = true;
        continue;
      }
      const message = await this.productMessage(res);
      if (res.status === 401 || res.status === 403) {
        throw this.error('auth', res.status === 401 ? 'the credentials were refused' : 'these credentials may not read this', path, res.status, message);
      }
      if (res.status === 404) throw this.error('not-found', 'not found', path, 404, message);
      if (res.status >= 300 && res.status < 400) {
        throw this.error('protocol', `redirected to ${res.headers.get('location') ?? '?'}; use the address it points to`, path, res.status, message);
      }
      throw this.error('protocol', 'the request was refused', path, res.status, message);
    }
  }

  private backoff(attempt: number): number {
    const ms = this.tuning.backoffMs * 2 ** (attempt - 1);
    return Math.min(60_000, Math.round(ms * (0.8 + Math.random() * 0.4)));
  }

  private noteQuota(headers: Headers) {
    const quota = this.options.quota;
    if (!quota) return;
    const remaining = numberHeader(headers, quota.remaining);
    if (remaining === null || remaining > quota.reserve) return;
    const reset = waitFromHeaders(headers, quota.reset);
    this.notBefore = Date.now() + (reset ?? quota.windowMs);
  }
}

/** Basic authorization header value. */
export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

/** Parses an RFC 8288 Link header into rel → URL. */
export function parseLinkHeader(value: string | null): Record<string, string> {
  const links: Record<string, string> = {};
  if (!value) return links;
  for (const part of value.split(/,(?=\s*<)/)) {
    const m = /<([^>]*)>((?:\s*;\s*[^;]+)*)/.exec(part.trim());
    if (!m || m[1] === undefined) continue;
    const rel = /;\s*rel\s*=\s*"?([^";]+)"?/i.exec(m[2] ?? '');
    if (rel?.[1]) for (const r of rel[1].trim().split(/\s+/)) links[r.toLowerCase()] = m[1];
  }
  return links;
}
