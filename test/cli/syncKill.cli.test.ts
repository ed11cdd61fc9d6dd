// A replica killed (kill -9) while it pushes its queue, then started again with `--data` alone:
// every queued write reaches the host exactly once. The replica is a real `localdesk serve
// --join` process; the host is in the test, behind a proxy the test cuts while the replica
// queues its writes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { startServe } from '../helpers/cli.ts';
import { buildTicket } from '../helpers/factories.ts';
import { pollUntil } from '../helpers/processes.ts';
import { pairingCode } from '../helpers/replica.ts';
import { type ApiClient, apiClient, startTestServer } from '../helpers/server.ts';
import { startTcpProxy } from '../helpers/tcpProxy.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

const queued = 300;
const env = { LOCALDESK_SYNC_RETRY_MAX_MS: '200', LOCALDESK_RATE_LIMIT: '100000' };

async function status(api: ApiClient) {
  return (await api.get<{ state: string; pending: number; cursor: number }>('/sync/status')).body.data;
}

it('delivers every queued write exactly once across a kill -9 in the middle of pushing', async () => {
  const host = await startTestServer();
  cleanup.push(() => host.close());
  const proxy = await startTcpProxy(host.port);
  cleanup.push(() => proxy.close());
  const ticket = await buildTicket(host.api);
  const dataDir = mkdtempSync(join(tmpdir(), 'localdesk-replica-'));
  cleanup.push(() => rmSync(dataDir, { recursive: true, force: true }));

  let replica = await startServe(dataDir, env, ['--join', proxy.url, '--pair', await pairingCode(host)]);
  cleanup.push(() => void replica.child.kill('SIGKILL'));
  expect(replica.stdout()).toContain(`replica of:     ${proxy.url}`);
  let api = apiClient(replica.url, host.adminKey);
  await pollUntil(async () => (await api.get(`/tickets/${ticket.id}`)).status === 200, {
    timeoutMs: 20_000,
    describe: () => 'the replica never copied the host',
  });

  proxy.cut();
  for (let i = 0; i < queued; i++) {
    const res = await api.post(`/tickets/${ticket.id}/messages`, { body: `queued ${i}` });
    expect(res.status).toBe(201);
  }
  expect((await status(api)).pending).toBe(queued);

  const onHost = async () => {
    const res = await host.api.get<{ body: string }[]>(`/tickets/${ticket.id}/messages?limit=100&sortOrder=desc`);
    return res.body.meta?.total ?? 0;
  };
  proxy.restore();
  const before = await pollUntil(async () => {
    const n = await onHost();
    return n > 10 ? n : undefined;
  }, { timeoutMs: 20_000, intervalMs: 5, describe: () => 'no queued write reached the host' });
  replica.child.kill('SIGKILL');
  await replica.exited;
  const atKill = await onHost();
  // Killed in the middle: some of the queue had landed, not all of it.
  expect(before).toBeGreaterThan(10);
  expect(atKill).toBeLessThan(queued + 1);

  replica = await startServe(dataDir, env);
  api = apiClient(replica.url, host.adminKey);
  await pollUntil(async () => {
    const s = await status(api);
    return s.state === 'online' && s.pending === 0;
  }, { timeoutMs: 60_000, describe: () => 'the restarted replica never emptied its queue' });

  const bodies: string[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = await host.api.get<{ body: string }[]>(`/tickets/${ticket.id}/messages?limit=100&offset=${offset}`);
    bodies.push(...page.body.data.map((m) => m.body));
    if (page.body.data.length < 100) break;
  }
  const replies = bodies.filter((b) => b.startsWith('queued '));
  expect(replies).toHaveLength(queued);
  expect(new Set(replies).size).toBe(queued);
  // In the order they were made.
  expect(replies).toEqual(Array.from({ length: queued }, (_, i) => `queued ${i}`));
  const replicaCount = (await api.get(`/tickets/${ticket.id}/messages?limit=1`)).body.meta?.total;
  expect(replicaCount).toBe(queued + 1);
});
