// The PostgreSQL helper against the real server, through pg as the product will use it.
import { existsSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Postgres, startPostgres } from '../helpers/postgres.ts';
import { liveProcesses, processAlive } from '../helpers/processes.ts';

let cluster: Postgres;
const clients: pg.Client[] = [];

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => {}); // a server shutdown under an open client is expected below
  clients.push(client);
  await client.connect();
  return client;
}

async function one<T>(client: pg.Client, sql: string): Promise<T> {
  const result = await client.query(sql);
  return result.rows[0] as T;
}

/** Every process of the cluster: the postmaster, its children, or anything naming its folder. */
function clusterProcesses(dir: string, postmaster: number): number[] {
  return liveProcesses((p) => {
    if (p.pid === postmaster || p.ppid === postmaster) return true;
    try {
      return readFileSync(`/proc/${p.pid}/cmdline`, 'utf8').includes(dir);
    } catch {
      return false;
    }
  }).map((p) => p.pid);
}

beforeAll(async () => {
  cluster = await startPostgres();
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.end().catch(() => {})));
  await cluster?.stop();
});

describe('startPostgres', () => {
  test('the URL logs in with its password as a non-superuser that owns its database', async () => {
    const url = new URL(cluster.url);
    expect(url.protocol).toBe('postgres:');
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.password.length).toBeGreaterThanOrEqual(16);
    expect(Number(url.port)).toBe(cluster.port);

    const client = await connect(cluster.url);
    const me = await one<{ user: string; db: string; superuser: boolean; createdb: boolean; tz: string }>(
      client,
      `SELECT current_user AS user, current_database() AS db, rolsuper AS superuser, rolcreatedb AS createdb,
              current_setting('TimeZone') AS tz
         FROM pg_roles WHERE rolname = current_user`,
    );
    expect(me).toEqual({ user: 'localdesk', db: 'localdesk', superuser: false, createdb: true, tz: 'UTC' });
    await client.query('CREATE TABLE tickets (id serial PRIMARY KEY, subject text NOT NULL)');
    await client.query(`INSERT INTO tickets (subject) VALUES ('Grüße, 你好')`);
    expect(await one(client, 'SELECT subject FROM tickets')).toEqual({ subject: 'Grüße, 你好' });

    const admin = await connect(cluster.adminUrl);
    expect(await one(admin, 'SELECT rolsuper FROM pg_roles WHERE rolname = current_user')).toEqual({ rolsuper: true });
  });

  test('a wrong password is refused (password auth over TCP)', async () => {
    const url = new URL(cluster.url);
    url.password = 'wrong';
    const error = await connect(url.toString()).then(
      () => null,
      (e: Error & { code?: string }) => e,
    );
    expect(error?.code).toBe('28P01'); // invalid_password
  });

  test('createDatabase() gives isolated, empty databases', async () => {
    const [urlA, urlB] = await Promise.all([cluster.createDatabase('file_a'), cluster.createDatabase('file_b')]);
    expect(new URL(urlA).pathname).toBe('/file_a');
    const a = await connect(urlA);
    const b = await connect(urlB);
    await a.query('CREATE TABLE only_in_a (x int)');
    await a.query('INSERT INTO only_in_a VALUES (1)');
    expect(await one(b, `SELECT to_regclass('only_in_a') AS t`)).toEqual({ t: null });
    expect(await one(a, `SELECT count(*)::int AS n FROM only_in_a`)).toEqual({ n: 1 });

    await expect(cluster.createDatabase('file_a')).rejects.toThrow(/already exists/);
    await expect(cluster.createDatabase('Robert"; DROP')).rejects.toThrow(/identifier/);
  });

  test('down() cuts sessions off; up() comes back on the same port with the data', async () => {
    const url = await cluster.createDatabase('outage');
    const before = await connect(url);
    await before.query('CREATE TABLE kept (v text)');
    await before.query(`INSERT INTO kept VALUES ('still here')`);
    const port = cluster.port;

    await cluster.down();
    expect(cluster.pid()).toBeNull();
    await expect(before.query('SELECT 1')).rejects.toThrow();
    await expect(connect(url)).rejects.toThrow(/ECONNREFUSED/);

    await cluster.up();
    expect(cluster.port).toBe(port);
    const after = await connect(url);
    expect(await one(after, 'SELECT v FROM kept')).toEqual({ v: 'still here' });
  });

  test('clusters started at once are separate; stop() leaves no process and no folder', async () => {
    const [x, y] = await Promise.all([startPostgres(), startPostgres()]);
    try {
      expect(new Set([x.port, y.port, cluster.port]).size).toBe(3);
      const cx = await connect(x.url);
      await cx.query('CREATE TABLE in_x (n int)');
      const cy = await connect(y.url);
      expect(await one(cy, `SELECT to_regclass('in_x') AS t`)).toEqual({ t: null });
      await cx.end();
      await cy.end();
    } finally {
      for (const c of [x, y]) {
        const pid = c.pid();
        expect(pid).toBeGreaterThan(0);
        expect(clusterProcesses(c.dir, pid!).length).toBeGreaterThan(1);
        await c.stop();
        expect(processAlive(pid!)).toBe(false);
        expect(clusterProcesses(c.dir, pid!)).toEqual([]);
        expect(existsSync(c.dir)).toBe(false);
      }
    }
    await stillUp();
  });
});

async function stillUp(): Promise<void> {
  const client = await connect(cluster.url);
  expect(await one(client, 'SELECT 1 AS ok')).toEqual({ ok: 1 });
}
