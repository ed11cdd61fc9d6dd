// The connection to PostgreSQL: a pg pool behind Kysely's PostgresDialect. Every node of a
// cluster opens its own pool; nothing else is shared between nodes but the database.
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

export interface PostgresHandle {
  readonly kind: 'postgres';
  db: Kysely<Database>;
  pool: pg.Pool;
  /** The URL without its password, for logs and messages. */
  where: string;
  /** A connection of its own, outside the pool (LISTEN holds one for as long as it runs). */
  newClient(applicationName: string): pg.Client;
  /** Another pool on the same database with other options (a scratch schema's search path). */
  sibling(options: PostgresOptions): PostgresHandle;
  close(): Promise<void>;
}

/** The handle each Kysely instance was opened with, for what needs the pool itself. */
const handles = new WeakMap<Kysely<Database>, PostgresHandle>();

/** The PostgreSQL handle behind `db` (the database itself, not a transaction); null on SQLite. */
export function postgresHandleOf(db: Kysely<Database>): PostgresHandle | null {
  return handles.get(db) ?? null;
}

export interface PostgresOptions {
  /** Connections this node keeps at most (each request or transaction holds one at a time). */
  poolSize?: number;
  /** Called when an idle pooled connection fails (the server restarted): logged, not fatal. */
  onIdleError?: (err: Error) => void;
  /** Schemas to search for unqualified names, first to last (default: the server's setting). */
  searchPath?: readonly string[];
}

const int8 = 20;
const numeric = 1700;

/**
 * bigint (count(*), sum(), seq) and numeric come back from pg as strings, to be exact beyond
 * 2^53. Every such value here is a count or a key far below that, and the services compare
 * them as numbers (as SQLite returns them), so they are parsed once, here.
 */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === int8 || oid === numeric
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as pg.CustomTypesConfig['getTypeParser'],
};

export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}

/** `postgres://user:secret@host/db` → `postgres://user@host/db` (never log a password). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.password = '';
    return parsed.toString().replace(/^(postgres(?:ql)?:\/\/[^@/]*):@/i, '$1@');
  } catch {
    return 'postgres://(unparsable URL)';
  }
}

/** A schema name as the search_path setting takes it (names of ours: letters, digits, _). */
function quoteSchema(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`not a schema name of ours: ${name}`);
  return name;
}

/** Opens a pool (connections are made on first use, so this never fails by itself). */
export function openPostgres(url: string, options: PostgresOptions = {}): PostgresHandle {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    types,
    application_name: 'localdesk',
    // A dead server or network must fail a request, not hang it.
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    ...(options.searchPath ? { options: `-c search_path=${options.searchPath.map(quoteSchema).join(',')}` } : {}),
  });
  // Without a listener, an idle client's error (the server restarting) would crash the process.
  pool.on('error', (err) => options.onIdleError?.(err));
  // A client checked out of the pool has no such listener: cut between two queries (the server
  // restarting, an admin ending the session), its 'error' event would crash the process. The
  // error is not lost: the next query on that client fails with it, and the request answers 503.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  let closed = false;
  const handle: PostgresHandle = {
    kind: 'postgres',
    db,
    pool,
    where: redactUrl(url),
    newClient: (applicationName) =>
      new pg.Client({ connectionString: url, types, application_name: applicationName, connectionTimeoutMillis: 10_000 }),
    sibling: (siblingOptions) => openPostgres(url, siblingOptions),
    async close() {
      if (closed) return;
      closed = true;
      await db.destroy(); // ends the pool too
    },
  };
  handles.set(db, handle);
  return handle;
}
