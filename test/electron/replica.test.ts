// The desktop app as a replica of a team host: started once with `--join URL --pair CODE` on a
// fresh install, it pairs, serves a copy of the host, and makes no admin key of its own (its
// person signs in with their team account). `electron` is a recording fake; the host, the
// desktop's embedded server, their SQLite files and HTTP ports are real.
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it, vi } from 'vitest';

const fake = await vi.hoisted(async () => {
  const { createFakeElectron } = await import('../helpers/fakeElectron.ts');
  const { mkdtempSync: mk } = await import('node:fs');
  const { tmpdir: tmp } = await import('node:os');
  const { join: j } = await import('node:path');
  return createFakeElectron(mk(j(tmp(), 'localdesk-electron-replica-')));
});
vi.mock('electron', () => fake.module);

const { startDesktop } = await import('../../electron/main.ts');
const { channels } = await import('../../electron/channels.ts');
const { saveSettings } = await import('../../electron/settings.ts');
const { startTestServer } = await import('../helpers/server.ts');
const { buildTicket } = await import('../helpers/factories.ts');
const { pairingCode } = await import('../helpers/replica.ts');
const { pollUntil } = await import('../helpers/processes.ts');

const userData = fake.module.app.getPath();
const host = await startTestServer();
const argv = process.argv;
afterAll(async () => {
  process.argv = argv;
  fake.module.app.quit();
  await host.close();
  rmSync(userData, { recursive: true, force: true });
});

it('joins the host given on its command line and serves its copy, signing people in with their own accounts', async () => {
  const ticket = await buildTicket(host.api, { subject: 'From the team host' });
  saveSettings(join(userData, 'settings.json'), { lanEnabled: false, lanHost: '127.0.0.2', port: 0 });
  process.argv = [...argv, '--join', host.url, '--pair', await pairingCode(host)];
  const desktop = await startDesktop();
  const url = desktop?.server.url ?? '';
  const headers = { 'X-API-Key': host.adminKey };
  const status = await pollUntil(
    async () => {
      const res = await fetch(`${url}/api/v1/sync/status`, { headers });
      const body = (await res.json()) as { data: { role: string; state: string } };
      return body.data?.state === 'online' ? body.data : undefined;
    },
    { timeoutMs: 20_000, describe: () => 'the desktop never came online as a replica' },
  );
  expect(status.role).toBe('replica');
  expect((await fetch(`${url}/api/v1/tickets/${ticket.id}`, { headers })).status).toBe(200);
  // No key of the desktop's own: the page gets none and shows the sign-in screen.
  expect(existsSync(join(userData, 'desktop-key.bin'))).toBe(false);
  const origin = new URL(url).origin;
  expect(await fake.handlers.get(channels.getApiKey)?.({ senderFrame: { url: `${origin}/inbox` } })).toBe('');
  // The pairing is remembered in the data folder.
  expect(existsSync(join(userData, 'data', 'sync.json'))).toBe(true);
});
