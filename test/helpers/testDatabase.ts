// Which database engine the API tests run on: SQLite by default, PostgreSQL in the
// `api-postgres` project (vitest.config.ts sets LOCALDESK_TEST_DB=postgres and starts one cluster
// for the run). On PostgreSQL each test server gets a database of its own, dropped on close.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

export const onPostgres = process.env.LOCALDESK_TEST_DB === 'postgres';

/** The run's PostgreSQL cluster (app-role URL); only in the PostgreSQL project. */
export function clusterUrl(): string {
  const url = inject('postgresUrl');
  if (!url) throw new Error('no PostgreSQL cluster: run this file in the api-postgres project (vitest.config.ts)');
  return url;
}

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function asAppRole<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: clusterUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** An empty database in the run's cluster, owned by the app role; its URL. */
export async function createTestDatabase(): Promise<string> {
  const name = `t_${process.pid}_${randomBytes(6).toString('hex')}`;
  await asAppRole((client) => client.query(`CREATE DATABASE ${name}`));
  return withDatabase(clusterUrl(), name);
}

function testDatabaseName(url: string): string {
  const name = new URL(url).pathname.slice(1);
  if (!/^t_\d+_[0-9a-f]{12}$/.test(name)) throw new Error(`not a test database: ${name}`);
  return name;
}

/**
 * Drops a database made by createTestDatabase once its pool is closed. (WITH (FORCE) is no
 * use: it would also have to end an autovacuum worker, which the app role may not.)
 */
export async function dropTestDatabase(url: string): Promise<void> {
  const name = testDatabaseName(url);
  await asAppRole((client) => client.query(`DROP DATABASE IF EXISTS ${name}`));
}

/** Cuts every connection to the database and refuses new ones: it is gone for its server. */
export async function refuseConnections(url: string): Promise<void> {
  const name = testDatabaseName(url);
  await asAppRole(async (client) => {
    await client.query(`ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
    await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
  });
}
