// The desktop shell end to end with `electron` replaced by a recording fake: the embedded
// server, SQLite file and HTTP port are real.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { MenuItemConstructorOptions } from 'electron';
import { afterAll, describe, expect, it, vi } from 'vitest';

const fake = await vi.hoisted(async () => {
  const { createFakeElectron } = await import('../helpers/fakeElectron.ts');
  const { mkdtempSync: mk } = await import('node:fs');
  const { tmpdir: tmp } = await import('node:os');
  const { join: j } = await import('node:path');
  return createFakeElectron(mk(j(tmp(), 'localdesk-electron-')));
});
vi.mock('electron', () => fake.module);

const { startDesktop } = await import('../../electron/main.ts');
const { FakeBrowserWindow } = await import('../helpers/fakeElectron.ts');
const { channels } = await import('../../electron/channels.ts');

const userData = fake.module.app.getPath();
afterAll(() => rmSync(userData, { recursive: true, force: true }));

function menuItem(label: string): MenuItemConstructorOptions {
  const item = fake.state.menus.at(-1)?.find((i) => i.label === label);
  if (!item) throw new Error(`no menu item ${label}`);
  return item;
}

describe('the desktop main process', () => {
  let desktop: Awaited<ReturnType<typeof startDesktop>>;

  it('starts the embedded server on loopback and opens a hardened window on it', async () => {
    // A stable preferred port makes no sense in a shared test run: any free one will do.
    const { saveSettings } = await import('../../electron/settings.ts');
    saveSettings(join(userData, 'settings.json'), { lanEnabled: false, lanHost: '127.0.0.2', port: 0 });
    desktop = await startDesktop();
    expect(desktop).not.toBeNull();
    const server = desktop?.server;
    expect(server?.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect((await fetch(`${server?.url}/health`)).status).toBe(200);
    const [window] = FakeBrowserWindow.created;
    expect(window?.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false });
    expect(String(window?.options.webPreferences?.preload)).toMatch(/preload\.cjs$/);
    expect(window?.loaded).toEqual([`${server?.url}/inbox`]);
  });

  it('saves downloads itself, into the downloads folder, and opens only what it saved', async () => {
    const { EventEmitter } = await import('node:events');
    const { writeFileSync } = await import('node:fs');
    const item = Object.assign(new EventEmitter(), {
      savePath: '',
      getFilename: () => '../../report.pdf',
      setSavePath(path: string) {
        this.savePath = path;
      },
    });
    fake.state.downloadHandler?.({}, item);
    expect(item.savePath).toBe(join(userData, 'report.pdf')); // app.getPath('downloads') is userData here
    writeFileSync(item.savePath, '%PDF-1.4');
    item.emit('done', {}, 'completed');
    await new Promise((r) => setImmediate(r));
    expect(fake.state.opened).toContain(item.savePath);
  });

  it('guards the window through the app-wide guard, and asks before a link leaves for another host', async () => {
    const [window] = FakeBrowserWindow.created;
    const dialogs = fake.state.dialogs.length;
    expect(window?.webContents.navigate('will-navigate', `${desktop?.server.origin}/tickets`)).toBe(false);
    expect(window?.webContents.navigate('will-navigate', 'https://look-alike.example/login')).toBe(true);
    await vi.waitFor(() => expect(fake.state.opened).toContain('https://look-alike.example/login'));
    expect(fake.state.dialogs.slice(dialogs).map((d) => d.detail)).toEqual(['https://look-alike.example/login']);
  });

  it('hands its own key to the page only through the preload bridge', async () => {
    const origin = desktop?.server.origin ?? '';
    const key = (await fake.handlers.get(channels.getApiKey)?.({ senderFrame: { url: `${origin}/inbox` } })) as string;
    expect(key).toMatch(/^ldk_[0-9A-Za-z]{40}$/);
    const me = await fetch(`${origin}/api/v1/users/me`, { headers: { 'X-API-Key': key } });
    expect(me.status).toBe(200);
    expect(() => fake.handlers.get(channels.getApiKey)?.({ senderFrame: { url: 'https://evil.example/' } })).toThrow();
    // Never written anywhere the page or a user could read it in plain text.
    expect(readFileSync(join(userData, 'desktop-key.bin')).toString()).not.toContain(key);
  });

  it('focuses the existing window when a second instance starts', () => {
    const [window] = FakeBrowserWindow.created;
    if (!window) throw new Error('no window');
    window.minimized = true;
    const before = window.focused;
    fake.appEvents.emit('second-instance');
    expect(window.restored).toBe(1);
    expect(window.focused).toBe(before + 1);
    expect(FakeBrowserWindow.created).toHaveLength(1);
  });

  it('shares on the LAN from the menu: rebinds, persists the choice and keeps the window on the app', async () => {
    const port = desktop?.server.boundPort;
    menuItem('Share on local network').click?.({ checked: true } as never, undefined as never, undefined as never);
    await vi.waitFor(() => expect(desktop?.server.host).toBe('127.0.0.2'), { timeout: 5000 });
    expect(desktop?.server.url).toBe(`http://127.0.0.2:${port}`);
    expect((await fetch(`${desktop?.server.url}/health`)).status).toBe(200);
    const saved = JSON.parse(readFileSync(join(userData, 'settings.json'), 'utf8')) as { lanEnabled: boolean };
    expect(saved.lanEnabled).toBe(true);
    expect(menuItem('Share on local network').checked).toBe(true);
    const lan = await fake.handlers.get(channels.getLanUrl)?.({ senderFrame: { url: `${desktop?.server.origin}/` } });
    expect(lan).toBe(`http://127.0.0.2:${port}`);
  });

  it('shows the count of open urgent tickets in the tray and announces a new urgent ticket', async () => {
    const origin = desktop?.server.origin ?? '';
    const key = (await fake.handlers.get(channels.getApiKey)?.({ senderFrame: { url: `${origin}/` } })) as string;
    const res = await fetch(`${origin}/api/v1/tickets`, {
      method: 'POST',
      headers: { 'X-API-Key': key, 'Content-Type': 'application/json' },
      body: JSON.stringify({ subject: 'Server room flooded', description: 'Water everywhere', contactEmail: 'ops@example.com', priority: 'urgent' }),
    });
    expect(res.status).toBe(201);
    await vi.waitFor(() => expect(fake.state.notifications).toContainEqual({ title: 'New urgent ticket', body: 'Server room flooded' }));
    expect(fake.state.tooltips.at(-1)).toBe('LocalDesk — 1 open urgent ticket');
  });

  it('closes the server and the database on quit', async () => {
    const url = desktop?.server.url ?? '';
    fake.module.app.quit();
    await vi.waitFor(async () => {
      await expect(fetch(`${url}/health`)).rejects.toThrow();
    });
    await vi.waitFor(() => expect(desktop?.server.handle.sqlite.open).toBe(false));
  });

  it('quits at once when another instance already runs', async () => {
    fake.state.singleInstance = false;
    const quits = fake.state.quitCalls;
    expect(await startDesktop()).toBeNull();
    expect(fake.state.quitCalls).toBe(quits + 1);
  });
});

