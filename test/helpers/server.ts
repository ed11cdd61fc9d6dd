// Starts the real server on an ephemeral port over a fresh SQLite file, and talks to it over
// HTTP. Nothing here stubs the database or the server.
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Logger, pino } from 'pino';
import { migrateToLatest, openDatabase } from '../../db/connection.ts';
import { createServer } from '../../server/app.ts';
import { generateApiKey } from '../../server/domain/apiKeys/keys.ts';
import { bootstrap } from '../../server/bootstrap.ts';
import { type Config, makeConfig } from '../../server/core/config.ts';
import { TestClock } from './clock.ts';

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  /** Parsed JSON when the response is JSON, otherwise the text. */
  body: { data: T; meta?: { total: number; limit: number; offset: number }; error: ApiError | null };
  text: string;
}

export interface ApiError {
  code: string;
  message: string;
  details?: Record<string, unknown> & { errors?: { path: string; message: string }[] };
}

export interface RequestOptions {
  key?: string | null;
  headers?: Record<string, string>;
  /** A raw body string (sent as is); otherwise `body` is JSON-encoded. */
  raw?: string;
}

export interface ApiClient {
  request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    options?: RequestOptions,
  ): Promise<ApiResponse<T>>;
  get<T = unknown>(path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
  post<T = unknown>(path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse<T>>;
  patch<T = unknown>(path: string, body?: unknown, options?: RequestOptions): Promise<ApiResponse<T>>;
  delete<T = unknown>(path: string, options?: RequestOptions): Promise<ApiResponse<T>>;
}

export function apiClient(baseUrl: string, defaultKey: string): ApiClient {
  const request = async <T>(
    method: string,
    path: string,
    body?: unknown,
    options: RequestOptions = {},
  ): Promise<ApiResponse<T>> => {
    const key = options.key === undefined ? defaultKey : options.key;
    const headers: Record<string, string> = { ...(key ? { 'X-API-Key': key } : {}) };
    let payload: string | undefined = options.raw;
    if (payload === undefined && body !== undefined) payload = JSON.stringify(body);
    if (payload !== undefined) headers['Content-Type'] = 'application/json';
    Object.assign(headers, options.headers);
    const url = isApiRelative(path) ? `/api/v1${path}` : path;
    const res = await fetch(`${baseUrl}${url}`, {
      method,
      headers,
      body: payload,
    });
    const text = await res.text();
    let parsed: ApiResponse<T>['body'];
    try {
      parsed = JSON.parse(text) as ApiResponse<T>['body'];
    } catch {
      parsed = undefined as unknown as ApiResponse<T>['body'];
    }
    return { status: res.status, headers: res.headers, body: parsed, text };
  };
  return {
    request,
    get: (path, options) => request('GET', path, undefined, options),
    post: (path, body, options) => request('POST', path, body, options),
    patch: (path, body, options) => request('PATCH', path, body, options),
    delete: (path, options) => request('DELETE', path, undefined, options),
  };
}

/** Paths are relative to /api/v1 unless they are one of these root paths or a full /api/ path. */
const rootPaths = ['/health', '/ready', '/metrics', '/api/'];
function isApiRelative(path: string): boolean {
  return !rootPaths.some((p) => path.startsWith(p));
}

/** A request with full control of the headers (fetch refuses to set Host). */
export function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

export interface TestServer {
  url: string;
  port: number;
  adminKey: string;
  clock: TestClock;
  api: ApiClient;
  dataDir: string;
  db: ReturnType<typeof openDatabase>['db'];
  /** The raw connection, for tests that need to break the database underneath the server. */
  sqlite: ReturnType<typeof openDatabase>['sqlite'];
  close(): Promise<void>;
}

/**
 * A running server with a fresh database, an admin key and a hand-moved clock. Rate limits
 * (per key and per address without a key) are raised out of the way unless a test sets
 * `rateLimitPerMinute` or `publicRateLimitPerMinute` itself. With `dataDir`,
 * the server opens that existing folder instead (a restart) and leaves it in place on close.
 */
export async function startTestServer(
  options: { config?: Partial<Config>; clock?: TestClock; logger?: Logger; dataDir?: string } = {},
): Promise<TestServer> {
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'localdesk-test-'));
  const handle = openDatabase(join(dataDir, 'localdesk.db'));
  await migrateToLatest(handle.db);
  const clock = options.clock ?? new TestClock();
  const adminKey = generateApiKey();
  await bootstrap(handle.db, clock, { adminKey });
  const config = makeConfig({
    dataDir,
    host: '127.0.0.1',
    port: 0,
    rateLimitPerMinute: 1_000_000,
    publicRateLimitPerMinute: 1_000_000,
    logLevel: 'silent',
    ...options.config,
  });
  const logger = options.logger ?? pino({ level: 'silent' });
  const server = createServer({ db: handle.db, config, clock, logger });
  const { url, port } = await server.listen();
  return {
    url,
    port,
    adminKey,
    clock,
    api: apiClient(url, adminKey),
    dataDir,
    db: handle.db,
    sqlite: handle.sqlite,
    async close() {
      await server.close(1000);
      await handle.close();
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
