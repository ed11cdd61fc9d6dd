// The desktop shell: one instance, the embedded server, a hardened window on the app's own
// origin, the tray and menu. Logic lives in the small modules beside this file.
import { join } from 'node:path';
import {
  BrowserWindow,
  Menu,
  Notification,
  Tray,
  app,
  dialog,
  ipcMain,
  nativeImage,
  safeStorage,
  session,
  shell,
} from 'electron';
import { reserveBackupPath } from '../server/domain/data/backup.ts';
import { backupArchive } from '../server/domain/data/backupArchive.ts';
import { appVersion } from '../server/core/version.ts';
import { Downloads } from './downloads.ts';
import { systemClock } from '../server/core/clock.ts';
import { ensureDesktopKey } from './desktopKey.ts';
import { EmbeddedServer, joinArguments } from './embeddedServer.ts';
import { registerIpc } from './ipc.ts';
import { lanUrls } from './lan.ts';
import { menuTemplate } from './menu.ts';
import { Notifier } from './notifier.ts';
import { externalOpener, guardAllWebContents, hardenSession, webPreferences } from './security.ts';
import { type DesktopSettings, loadSettings, saveSettings } from './settings.ts';

// A 16×16 tray icon (a rounded speech bubble), embedded so packaging needs no asset files.
const trayIcon =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAJ0lEQVR42mNgGFRANfn1f2IwRZpxGjJq' +
  'wLAwgOKEhM0QipIzw5ABAMZ3J/Isu7QWAAAAAElFTkSuQmCC';

export interface DesktopApp {
  server: EmbeddedServer;
  window: BrowserWindow | null;
  settings: DesktopSettings;
}

export async function startDesktop(): Promise<DesktopApp | null> {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return null;
  }
  await app.whenReady();
  const userData = app.getPath('userData');
  const settingsFile = join(userData, 'settings.json');
  const settings = loadSettings(settingsFile);
  const server = await EmbeddedServer.open({
    dataDir: join(userData, 'data'),
    rendererDir: join(app.getAppPath(), 'dist', 'renderer'),
    port: settings.port,
  });
  // Started with `--join URL --pair CODE` on a fresh install: this desktop becomes a replica of
  // the team's host (remembered in its data folder, so later starts need nothing).
  const joining = joinArguments(process.argv);
  if (joining && !server.replica) {
    try {
      await server.join(joining.url, joining.code);
    } catch (err) {
      void dialog.showMessageBox({ type: 'error', message: 'Could not join the team host', detail: (err as Error).message });
    }
  }
  await server.listen(settings.lanEnabled ? settings.lanHost : '127.0.0.1');
  // A replica's people sign in with their team accounts: no key of the desktop's own.
  const { key, warning } = server.replica
    ? { key: '', warning: null }
    : await ensureDesktopKey(server.handle.db, systemClock, join(userData, 'desktop-key.bin'), safeStorage);
  if (warning) {
    process.stderr.write(`LocalDesk: ${warning}\n`);
    void dialog.showMessageBox({ type: 'warning', message: 'Your admin key is stored without encryption', detail: warning });
  }

  hardenSession(session.defaultSession);
  new Downloads(() => app.getPath('downloads'), shell).attach(session.defaultSession);
  const openExternal = externalOpener(
    () => server.origin,
    async (url) => {
      const { response } = await dialog.showMessageBox({
        type: 'question',
        buttons: ['Open in browser', 'Cancel'],
        defaultId: 1,
        cancelId: 1,
        message: `Open ${new URL(url).host} in your browser?`,
        detail: url,
      });
      return response === 0;
    },
    (url) => shell.openExternal(url),
  );
  guardAllWebContents(app, () => server.origin, openExternal);
  const state: DesktopApp = { server, window: null, settings };
  const lanUrl = () => (state.settings.lanEnabled ? (lanUrls(server.host, server.boundPort)[0] ?? null) : null);
  registerIpc(ipcMain, { appOrigin: () => server.origin, getApiKey: () => key, getLanUrl: lanUrl });

  const showWindow = () => {
    if (!state.window || state.window.isDestroyed()) {
      state.window = new BrowserWindow({
        width: 1280,
        height: 820,
        title: 'LocalDesk',
        show: false,
        webPreferences: webPreferences(join(import.meta.dirname, 'preload.cjs')),
      });
      state.window.once('ready-to-show', () => state.window?.show());
      void state.window.loadURL(`${server.url}/inbox`);
    }
    if (state.window.isMinimized()) state.window.restore();
    state.window.show();
    state.window.focus();
  };
  app.on('second-instance', showWindow);

  const tray = new Tray(nativeImage.createFromDataURL(trayIcon));
  const notifier = new Notifier(server.handle.db, systemClock, {
    notify: (title, body, ticketId) => {
      const note = new Notification({ title, body });
      note.on('click', () => {
        showWindow();
        void state.window?.loadURL(`${server.url}/tickets/${ticketId}`);
      });
      note.show();
    },
    setUrgentCount: (count) => {
      tray.setToolTip(`LocalDesk — ${count} open urgent ticket${count === 1 ? '' : 's'}`);
      if (process.platform === 'darwin') tray.setTitle(count > 0 ? String(count) : '');
    },
  });
  server.onEvents((events) => void notifier.onEvents(events));
  void notifier.refreshCount();
  const slaTimer = setInterval(() => void notifier.checkSla(), 60_000);

  const rebuildMenu = () => {
    const menu = Menu.buildFromTemplate(
      menuTemplate({
        lanEnabled: state.settings.lanEnabled,
        toggleLan: (enabled) => void toggleLan(enabled),
        openDataFolder: () => void shell.openPath(join(userData, 'data')),
        backupNow: () => void backupNow(),
        showWindow,
        quit: () => app.quit(),
      }),
    );
    tray.setContextMenu(menu);
    Menu.setApplicationMenu(menu);
  };

  const toggleLan = async (enabled: boolean) => {
    state.settings = { ...state.settings, lanEnabled: enabled };
    saveSettings(settingsFile, state.settings);
    await server.rebind(enabled ? state.settings.lanHost : '127.0.0.1');
    rebuildMenu();
    void state.window?.loadURL(`${server.url}/settings/lan`);
    if (enabled) {
      const urls = lanUrls(server.host, server.boundPort);
      void dialog.showMessageBox({
        message: 'LocalDesk is shared on your local network',
        detail: `Teammates and integrations use:\n${urls.join('\n')}\n\nInvite each teammate under Settings → Team; integrations need an API key.`,
      });
    }
  };

  const backupNow = async () => {
    const createdAt = systemClock.now().toISOString();
    const path = await reserveBackupPath(join(userData, 'data'), createdAt, 'tar');
    const result = await backupArchive(server.handle.file, server.attachments, path, createdAt, appVersion);
    void dialog.showMessageBox({
      message: 'Backup written',
      detail: `${result.path}\n${result.bytes} bytes, ${result.attachments} attachment file(s)`,
    });
  };

  rebuildMenu();
  showWindow();

  let quitting = false;
  app.on('before-quit', (event) => {
    if (quitting) return;
    event.preventDefault();
    quitting = true;
    clearInterval(slaTimer);
    void server.close().finally(() => app.quit());
  });
  app.on('window-all-closed', () => {
    // Stays in the tray (the API keeps serving the LAN); Quit is in the tray menu.
  });
  return state;
}

// Started by Electron (not by tests, which import startDesktop with electron mocked).
if (process.versions.electron) void startDesktop();
