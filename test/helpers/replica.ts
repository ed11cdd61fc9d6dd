// A replica in the test process: a fresh SQLite folder joined to a host with a pairing code, then
// served like `localdesk serve` does on a replica (server/cli/join.ts, server/background/replica.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { expect } from 'vitest';
import { migrateToLatest, openDatabase } from '../../db/connection.ts';
import type { Db } from '../../db/schema.ts';
import { createServer } from '../../server/app.ts';
import { joinHost, readReplicaLink } from '../../server/cli/join.ts';
import { makeConfig } from '../../server/core/config.ts';
import { SecretBox } from '../../server/core/secrets.ts';
import type { ReplicaSyncStatusT } from '../../common/contract/sync.ts';
import { TestClock } from './clock.ts';
import { pollUntil } from './processes.ts';
import { type ApiClient, type TestServer, apiClient } from './server.ts';

export interface TestReplica {
  url: string;
  /** With the host's admin key: users and keys come down from the host. */
  api: ApiClient;
  db: Db;
  dataDir: string;
  status(): Promise<ReplicaSyncStatusT>;
  /** Stops serving, keeping the folder (start it again with restartReplica). */
  stop(): Promise<void>;
  close(): Promise<void>;
}

/** A pairing code made on the host by its admin (for the admin's own device unless `userId`). */
export async function pairingCode(host: TestServer, userId?: string): Promise<string> {
  const res = await host.api.post<{ code: string }>('/pairing-codes', userId ? { userId } : {});
  if (res.status !== 201) throw new Error(`pairing-codes: ${res.status} ${res.text}`);
  return res.body.data.code;
}

export interface ReplicaOptions {
  /** Serve the built web UI too (browser tests). */
  rendererDir?: string;
  clock?: TestClock;
}

async function serveReplica(dataDir: string, adminKey: string, hostUrl?: string, code?: string, options: ReplicaOptions = {}): Promise<TestReplica> {
  const handle = openDatabase(join(dataDir, 'localdesk.db'));
  await migrateToLatest(handle.db);
  const secrets = new SecretBox(dataDir);
  let link;
  try {
    link = hostUrl && code ? await joinHost(dataDir, handle.db, secrets, hostUrl, code) : readReplicaLink(dataDir, secrets);
  } catch (err) {
    await handle.close();
    throw err;
  }
  if (!link) throw new Error(`${dataDir} is not paired`);
  const config = makeConfig({
    dataDir,
    host: '127.0.0.1',
    port: 0,
    rateLimitPerMinute: 1_000_000,
    publicRateLimitPerMinute: 1_000_000,
    logLevel: 'silent',
    syncRetryMaxMs: 300,
    rendererDir: options.rendererDir ?? null,
  });
  const logger = pino({ level: process.env.LOCALDESK_TEST_LOG ?? 'silent' });
  const server = createServer({ db: handle.db, config, clock: options.clock ?? new TestClock(), logger, replica: { link } });
  const { url } = await server.listen();
  const api = apiClient(url, adminKey);
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await server.close(1000);
    await handle.close();
  };
  return {
    url,
    api,
    db: handle.db,
    dataDir,
    async status() {
      const res = await api.get<ReplicaSyncStatusT>('/sync/status');
      return res.body.data;
    },
    stop,
    async close() {
      await stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Joins a fresh folder to the host at `hostUrl` (the host itself or a proxy in front of it). */
export async function startReplica(host: TestServer, hostUrl = host.url, code?: string, options: ReplicaOptions = {}): Promise<TestReplica> {
  const dataDir = mkdtempSync(join(tmpdir(), 'localdesk-replica-'));
  try {
    return await serveReplica(dataDir, host.adminKey, hostUrl, code ?? (await pairingCode(host)), options);
  } catch (err) {
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}

/** Serves a stopped replica's folder again (its pairing is remembered there). */
export function restartReplica(replica: TestReplica, adminKey: string): Promise<TestReplica> {
  return serveReplica(replica.dataDir, adminKey);
}

/** Waits until the replica is online with nothing pending and at the host's position. */
export async function waitInSync(host: TestServer, replica: TestReplica, timeoutMs = 20_000): Promise<void> {
  await pollUntil(
    async () => {
      const [ours, theirs] = await Promise.all([
        replica.status(),
        host.api.get<{ cursor: number }>('/sync/checksums').then((r) => r.body.data),
      ]);
      return ours.state === 'online' && ours.pending === 0 && ours.cursor === theirs.cursor;
    },
    { timeoutMs, intervalMs: 100, describe: () => 'the replica did not catch up with the host' },
  );
}

/** Asserts both hold identical rows, table by table (GET /sync/checksums on each). */
export async function expectSameRows(host: TestServer, replica: TestReplica): Promise<void> {
  const [a, b] = await Promise.all([
    host.api.get<{ cursor: number; tables: Record<string, unknown> }>('/sync/checksums'),
    replica.api.get<{ cursor: number; tables: Record<string, unknown> }>('/sync/checksums'),
  ]);
  expect(b.body.data.cursor).toBe(a.body.data.cursor);
  expect(b.body.data.tables).toEqual(a.body.data.tables);
}
