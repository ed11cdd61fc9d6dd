import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { afterEach, describe, expect, it } from 'vitest';
import { desktopRateLimit, ensureDesktopKey } from '../../electron/desktopKey.ts';
import { EmbeddedServer } from '../../electron/embeddedServer.ts';
import { registerIpc } from '../../electron/ipc.ts';
import { channels } from '../../electron/channels.ts';
import { loadSettings, saveSettings } from '../../electron/settings.ts';
import { Notifier, slaWarningMinutes } from '../../electron/notifier.ts';
import { TestClock } from '../helpers/clock.ts';
import { createFakeElectron } from '../helpers/fakeElectron.ts';
import { rendererDir } from '../helpers/browser.ts';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'localdesk-desktop-'));
  dirs.push(dir);
  return dir;
};
const servers: EmbeddedServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) await server.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function openServer(dir = tempDir(), port = 0) {
  const server = await EmbeddedServer.open({ dataDir: join(dir, 'data'), rendererDir, port });
  servers.push(server);
  return server;
}

describe('the desktop key', () => {
  it('is created once, stored encrypted, and works as an admin key with no practical rate limit', async () => {
    const dir = tempDir();
    const server = await openServer(dir);
    await server.listen('127.0.0.1');
    const store = createFakeElectron(dir).module.safeStorage;
    const file = join(dir, 'desktop-key.bin');
    const first = await ensureDesktopKey(server.handle.db, new TestClock(), file, store);
    expect(first.encrypted).toBe(true);
    expect(readFileSync(file).toString()).not.toContain(first.key);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = await ensureDesktopKey(server.handle.db, new TestClock(), file, store);
    expect(again.key).toBe(first.key);

    const me = await fetch(`${server.url}/api/v1/users/me`, { headers: { 'X-API-Key': first.key } });
    expect(me.status).toBe(200);
    expect(me.headers.get('x-ratelimit-limit')).toBe(String(desktopRateLimit));
    const row = await server.handle.db.selectFrom('api_keys').selectAll().where('name', '=', 'Desktop app').executeTakeFirstOrThrow();
    expect(JSON.parse(row.scopes)).toEqual(['admin']);
  });

  it('is replaced when it was revoked, and kept in a 0600 file when no keychain is available', async () => {
    const dir = tempDir();
    const server = await openServer(dir);
    const file = join(dir, 'desktop-key.bin');
    const noKeychain = { isEncryptionAvailable: () => false, encryptString: () => Buffer.alloc(0), decryptString: () => '' };
    const first = await ensureDesktopKey(server.handle.db, new TestClock(), file, noKeychain);
    expect(first.encrypted).toBe(false);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await server.handle.db.updateTable('api_keys').set({ revoked_at: new Date().toISOString() }).execute();
    const second = await ensureDesktopKey(server.handle.db, new TestClock(), file, noKeychain);
    expect(second.key).not.toBe(first.key);
  });
});

describe('IPC', () => {
  function register() {
    const fake = createFakeElectron(tempDir());
    registerIpc(fake.module.ipcMain as unknown as IpcMain, {
      appOrigin: () => 'http://127.0.0.1:4870',
      getApiKey: () => 'ldk_secret',
      getLanUrl: () => null,
    });
    const call = (channel: string, url: string) =>
      fake.handlers.get(channel)?.({ senderFrame: { url } } as unknown as IpcMainInvokeEvent);
    return call;
  }

  it('hands the key only to the app page itself', () => {
    const call = register();
    expect(call(channels.getApiKey, 'http://127.0.0.1:4870/inbox')).toBe('ldk_secret');
    expect(() => call(channels.getApiKey, 'https://evil.example/')).toThrow(/refused/);
    expect(() => call(channels.getApiKey, 'http://127.0.0.1:9999/')).toThrow(/refused/);
    expect(() => call(channels.getApiKey, '')).toThrow(/refused/);
  });

  it('exposes nothing but the two bridge calls in the preload', () => {
    const source = readFileSync(join(process.cwd(), 'electron/preload.ts'), 'utf8');
    expect(source).toContain("contextBridge.exposeInMainWorld('localdesk', bridge)");
    expect(source).not.toMatch(/exposeInMainWorld\([^)]*ipcRenderer\b/);
    expect(Object.values(channels)).toEqual(['localdesk:get-api-key', 'localdesk:get-lan-url']);
  });
});

describe('the embedded server', () => {
  it('starts on loopback, rebinds to another interface and closes with its database', async () => {
    const server = await openServer();
    const url = await server.listen('127.0.0.1');
    expect((await fetch(`${url}/health`)).status).toBe(200);
    const port = server.boundPort;
    const lanUrl = await server.rebind('127.0.0.2');
    expect(lanUrl).toBe(`http://127.0.0.2:${port}`);
    expect((await fetch(`${lanUrl}/health`)).status).toBe(200);
    await expect(fetch(`${url}/health`)).rejects.toThrow();
    await server.close();
    servers.splice(servers.indexOf(server), 1);
    await expect(fetch(`${lanUrl}/health`)).rejects.toThrow();
    expect(server.handle.sqlite.open).toBe(false);
  });

  it('uses another free port when the preferred one is taken', async () => {
    const first = await openServer();
    await first.listen('127.0.0.1');
    const second = await openServer(tempDir(), first.boundPort);
    await second.listen('127.0.0.1');
    expect(second.boundPort).not.toBe(first.boundPort);
    expect((await fetch(`${second.url}/health`)).status).toBe(200);
  });
});

describe('settings', () => {
  it('persists the LAN choice and falls back to defaults on a missing or broken file', () => {
    const file = join(tempDir(), 'settings.json');
    expect(loadSettings(file)).toEqual({ lanEnabled: false, lanHost: '0.0.0.0', port: 4870 });
    saveSettings(file, { lanEnabled: true, lanHost: '127.0.0.2', port: 4999 });
    expect(loadSettings(file)).toEqual({ lanEnabled: true, lanHost: '127.0.0.2', port: 4999 });
  });
});

describe('SLA warnings', () => {
  it('warns once per ticket when a due time comes within the warning window', async () => {
    const dir = tempDir();
    const server = await openServer(dir);
    await server.listen('127.0.0.1');
    const store = createFakeElectron(dir).module.safeStorage;
    const { key } = await ensureDesktopKey(server.handle.db, new TestClock(), join(dir, 'k.bin'), store);
    const res = await fetch(`${server.url}/api/v1/tickets`, {
      method: 'POST',
      headers: { 'X-API-Key': key, 'Content-Type': 'application/json' },
      body: JSON.stringify({ subject: 'Invoice wrong', description: 'x', contactEmail: 'a@b.co', priority: 'high' }),
    });
    const ticket = ((await res.json()) as { data: { sla: { firstResponseDueAt: string } } }).data;
    const notes: string[] = [];
    const clock = new TestClock(ticket.sla.firstResponseDueAt);
    const notifier = new Notifier(server.handle.db, clock, { notify: (_t, body) => notes.push(body), setUrgentCount: () => undefined });
    clock.advanceMinutes(-(slaWarningMinutes + 5));
    await notifier.checkSla();
    expect(notes).toEqual([]);
    clock.advanceMinutes(10);
    await notifier.checkSla();
    await notifier.checkSla();
    expect(notes).toEqual(['First response due soon: Invoice wrong']);
  });
});
