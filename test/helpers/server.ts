// Starts the real server on an ephemeral port over a fresh database, and talks to it over
// HTTP: a SQLite file, or in the api-postgres project a PostgreSQL database of its own
// (testDatabase.ts). Nothing here stubs the database or the server.
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Logger, pino } from 'pino';
import type BetterSqlite3 from 'better-sqlite3';
import type { Kysely } from 'kysely';
import { migrateToLatest, openDatabase } from '../../db/connection.ts';
import { openPostgres } from '../../db/postgres.ts';
import type { Database } from '../../db/schema.ts';
import { createServer } from '../../server/app.ts';
import { generateApiKey } from '../../server/domain/apiKeys/keys.ts';
import { bootstrap } from '../../server/bootstrap.ts';
import { type Config, makeConfig } from '../../server/core/config.ts';
import { TestClock } from './clock.ts';
import { createTestDatabase, dropTestDatabase, onPostgres, refuseConnections } from './testDatabase.ts';

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
  db: Kysely<Database>;
  /**
   * The raw SQLite connection, for tests that need to break the database underneath the server.
   * Reading it on PostgreSQL throws: such a test belongs in the SQLite-only list (vitest.config.ts).
   */
  sqlite: BetterSqlite3.Database;
  /** The PostgreSQL database's URL (a second server may share it); null on SQLite. */
  databaseUrl: string | null;
  /** Takes the database away from under the running server (its connections are cut). */
  loseDatabase(): Promise<void>;
  close(): Promise<void>;
}

interface OpenedDatabase {
  db: Kysely<Database>;
  sqlite: BetterSqlite3.Database;
  databaseUrl: string | null;
  lose(): Promise<void>;
  close(): Promise<void>;
}

/** PostgreSQL databases standing for data folders a test made itself (to restart a server on). */
const folderDatabases = new Map<string, string>();

/**
 * The test server's database: a SQLite file in the data folder, or on PostgreSQL a fresh
 * database (or `databaseUrl`'s, shared with another server, left in place on close). A data
 * folder the test made itself stands for one database, kept for the next server started on it.
 */
async function openTestDatabase(
  dataDir: string,
  ownsDataDir: boolean,
  databaseUrl: string | undefined,
  engine: 'sqlite' | 'postgres' = onPostgres ? 'postgres' : 'sqlite',
): Promise<OpenedDatabase> {
  if (engine === 'sqlite' && databaseUrl === undefined) {
    const handle = openDatabase(join(dataDir, 'localdesk.db'));
    return {
      db: handle.db,
      sqlite: handle.sqlite,
      databaseUrl: null,
      lose: async () => {
        handle.sqlite.close();
      },
      close: () => handle.close(),
    };
  }
  let shared = databaseUrl;
  if (shared === undefined && !ownsDataDir) {
    shared = folderDatabases.get(dataDir) ?? (await createTestDatabase());
    folderDatabases.set(dataDir, shared);
  }
  const url = shared ?? (await createTestDatabase());
  // Each feed follower (webhooks, workflows, notifications, the mail sender) holds a pooled
  // connection for its round while its handler reads through another: a pool of 4 ran out.
  const handle = openPostgres(url, { poolSize: 8 });
  return {
    db: handle.db,
    get sqlite(): BetterSqlite3.Database {
      throw new Error('this test reads the SQLite file directly: list it as SQLite-only in vitest.config.ts');
    },
    databaseUrl: url,
    lose: () => refuseConnections(url),
    async close() {
      await handle.close();
      if (shared === undefined) await dropTestDatabase(url);
    },
  };
}

/**
 * The database of a data folder a test made (and started servers on), opened while no server
 * runs: the SQLite file in it, or the PostgreSQL database standing for it.
 */
export function openFolderDatabase(dataDir: string): { db: Kysely<Database>; close(): Promise<void> } {
  if (!onPostgres) return openDatabase(join(dataDir, 'localdesk.db'));
  const url = folderDatabases.get(dataDir);
  if (!url) throw new Error(`no server was started on ${dataDir}`);
  return openPostgres(url, { poolSize: 2 });
}

/**
 * A running server with a fresh database, an admin key and a hand-moved clock. Rate limits
 * (per key and per address without a key) are raised out of the way unless a test sets
 * `rateLimitPerMinute` or `publicRateLimitPerMinute` itself. With `dataDir`,
 * the server opens that existing folder instead (a restart) and leaves it in place on close.
 */
export async function startTestServer(
  options: {
    config?: Partial<Config>;
    clock?: TestClock;
    logger?: Logger;
    dataDir?: string;
    /** PostgreSQL: run on this existing database (another node of the same install). */
    databaseUrl?: string;
    /**
     * The engine, when a test needs one whatever its project (an export from one engine imported
     * into the other): `postgres` only in the PostgreSQL project, which runs a cluster.
     */
    engine?: 'sqlite' | 'postgres';
  } = {},
): Promise<TestServer> {
  const ownsDataDir = options.dataDir === undefined;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'localdesk-test-'));
  const handle = await openTestDatabase(dataDir, ownsDataDir, options.databaseUrl, options.engine);
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
  const logger = options.logger ?? pino({ level: process.env.LOCALDESK_TEST_LOG ?? 'silent' });
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
    get sqlite() {
      return handle.sqlite;
    },
    databaseUrl: handle.databaseUrl,
    loseDatabase: () => handle.lose(),
    async close() {
      await server.close(1000);
      await handle.close();
      if (ownsDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
