// A host restored from an older backup: its replicas hold rows (and a position in its change
// log) the host no longer has. They must notice and copy the host afresh, never keep a silent
// gap. SQLite hosts only: backups are SQLite files (vitest.config.ts lists this file).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { restoreArchive } from '../../server/domain/data/backupArchive.ts';
import { buildTicket } from '../helpers/factories.ts';
import { pollUntil } from '../helpers/processes.ts';
import { type TestReplica, expectSameRows, startReplica, waitInSync } from '../helpers/replica.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';
import { startTcpProxy } from '../helpers/tcpProxy.ts';

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close();
});

/** A host with a replica behind a proxy, a backup taken, then more written after it. */
async function restoredHost(writesAfterRestore: number) {
  const first = await startTestServer();
  const proxy = await startTcpProxy(first.port);
  open.push(proxy);
  const replica: TestReplica = await startReplica(first, proxy.url);
  open.push(replica);
  const kept = await buildTicket(first.api, { subject: 'From before the backup' });
  await waitInSync(first, replica);
  const backup = await first.api.post<{ path: string }>('/admin/backup');
  expect(backup.status).toBe(201);
  const lost = await buildTicket(first.api, { subject: 'Written after the backup' });
  await first.api.post(`/tickets/${lost.id}/messages`, { body: 'also lost' });
  await waitInSync(first, replica);
  expect((await replica.api.get(`/tickets/${lost.id}`)).status).toBe(200);

  proxy.cut();
  const dataDir = mkdtempSync(join(tmpdir(), 'localdesk-restored-'));
  await restoreArchive(backup.body.data.path, dataDir);
  await first.close();
  const second: TestServer = await startTestServer({ dataDir });
  open.push({ close: async () => (await second.close(), rmSync(dataDir, { recursive: true, force: true })) });
  for (let i = 0; i < writesAfterRestore; i++) await buildTicket(second.api, { subject: `After the restore ${i}` });
  proxy.retarget(second.port);
  proxy.restore();
  return { host: second, replica, kept, lost };
}

describe('a host restored from an older backup', () => {
  it('is noticed by its position (the host log ends before ours): the replica copies it afresh', async () => {
    const { host, replica, kept, lost } = await restoredHost(0);
    await pollUntil(async () => (await replica.api.get(`/tickets/${lost.id}`)).status === 404, {
      timeoutMs: 20_000,
      describe: () => 'the replica kept a ticket the restored host does not have',
    });
    await waitInSync(host, replica);
    await expectSameRows(host, replica);
    expect((await replica.api.get(`/tickets/${kept.id}`)).status).toBe(200);
    const status = await replica.status();
    expect(status.lastSnapshot?.reason).toMatch(/beyond this host's change log/);
  });

  it('is noticed by the checksums when the host has since written past our position', async () => {
    const { host, replica, lost } = await restoredHost(12);
    await pollUntil(async () => (await replica.api.get(`/tickets/${lost.id}`)).status === 404, {
      timeoutMs: 20_000,
      describe: () => 'the replica kept a ticket the restored host does not have',
    });
    await waitInSync(host, replica);
    await expectSameRows(host, replica);
    expect((await replica.api.get<unknown[]>('/tickets?search=restore')).body.data).toHaveLength(12);
    expect((await replica.status()).lastSnapshot?.reason).toMatch(/differed from the host in/);
  });
});
