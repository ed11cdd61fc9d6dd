// A stand-in for the `electron` module (its binary cannot be installed here). It records what
// the shell asks of Electron so tests can check it; everything else in the shell runs for real.
import { EventEmitter } from 'node:events';
import type { MenuItemConstructorOptions } from 'electron';

export class FakeWebContents extends EventEmitter {
  openHandler: ((details: { url: string }) => { action: string }) | null = null;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.openHandler = handler;
  }
  /** Emits a cancellable navigation event; returns whether something prevented it. */
  navigate(event: 'will-navigate' | 'will-redirect', url: string): boolean {
    let prevented = false;
    this.emit(event, { preventDefault: () => (prevented = true) }, url);
    return prevented;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static created: FakeBrowserWindow[] = [];
  webContents = new FakeWebContents();
  loaded: string[] = [];
  shown = 0;
  focused = 0;
  restored = 0;
  minimized = false;
  destroyed = false;
  constructor(readonly options: { webPreferences?: Record<string, unknown> }) {
    super();
    FakeBrowserWindow.created.push(this);
  }
  loadURL(url: string) {
    this.loaded.push(url);
    return Promise.resolve();
  }
  override once(event: string, listener: () => void) {
    if (event === 'ready-to-show') listener();
    return this;
  }
  isMinimized() {
    return this.minimized;
  }
  isDestroyed() {
    return this.destroyed;
  }
  restore() {
    this.restored += 1;
    this.minimized = false;
  }
  show() {
    this.shown += 1;
  }
  focus() {
    this.focused += 1;
  }
}

export function createFakeElectron(userData: string) {
  const appEvents = new EventEmitter();
  const handlers = new Map<string, (event: unknown, ...args: unknown[]) => unknown>();
  const state = {
    singleInstance: true,
    quitCalls: 0,
    menus: [] as MenuItemConstructorOptions[][],
    notifications: [] as { title: string; body: string }[],
    tooltips: [] as string[],
    opened: [] as string[],
    /** Paths shown in their folder (shell.showItemInFolder). */
    shown: [] as string[],
    /** The session's will-download listener, to play a download through. */
    downloadHandler: null as null | ((...args: unknown[]) => void),
    dialogs: [] as { type?: string; message: string; detail?: string }[],
    permissionRequestHandler: null as null | ((wc: unknown, permission: string, cb: (ok: boolean) => void) => void),
    headersHandler: null as null | ((details: { responseHeaders?: Record<string, string[]> }, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void),
  };
  const module = {
    app: {
      requestSingleInstanceLock: () => state.singleInstance,
      whenReady: () => Promise.resolve(),
      getPath: () => userData,
      getAppPath: () => process.cwd(),
      on: (event: string, listener: (...args: unknown[]) => void) => appEvents.on(event, listener),
      quit: () => {
        state.quitCalls += 1;
        appEvents.emit('before-quit', { preventDefault: () => undefined });
      },
    },
    // Like Electron, every new window's contents are announced as web-contents-created.
    BrowserWindow: class extends FakeBrowserWindow {
      constructor(options: { webPreferences?: Record<string, unknown> }) {
        super(options);
        appEvents.emit('web-contents-created', {}, this.webContents);
      }
    },
    Menu: {
      buildFromTemplate: (template: MenuItemConstructorOptions[]) => {
        state.menus.push(template);
        return { template };
      },
      setApplicationMenu: () => undefined,
    },
    Tray: class {
      setToolTip(text: string) {
        state.tooltips.push(text);
      }
      setTitle() {}
      setContextMenu() {}
    },
    Notification: class extends EventEmitter {
      constructor(private readonly options: { title: string; body: string }) {
        super();
      }
      show() {
        state.notifications.push(this.options);
      }
    },
    nativeImage: { createFromDataURL: (url: string) => ({ url }) },
    safeStorage: {
      isEncryptionAvailable: () => true,
      encryptString: (plain: string) => Buffer.from(`enc:${Buffer.from(plain).toString('base64')}`),
      decryptString: (buffer: Buffer) => Buffer.from(buffer.toString().slice(4), 'base64').toString(),
    },
    session: {
      defaultSession: {
        on: (event: string, handler: (...args: unknown[]) => void) => {
          if (event === 'will-download') state.downloadHandler = handler;
        },
        setPermissionRequestHandler: (handler: typeof state.permissionRequestHandler) => {
          state.permissionRequestHandler = handler;
        },
        setPermissionCheckHandler: () => undefined,
        webRequest: {
          onHeadersReceived: (handler: typeof state.headersHandler) => {
            state.headersHandler = handler;
          },
        },
      },
    },
    shell: {
      openExternal: (url: string) => {
        state.opened.push(url);
        return Promise.resolve();
      },
      openPath: (path: string) => {
        state.opened.push(path);
        return Promise.resolve('');
      },
      showItemInFolder: (path: string) => {
        state.shown.push(path);
      },
    },
    dialog: {
      showMessageBox: (options: { type?: string; message: string; detail?: string }) => {
        state.dialogs.push(options);
        return Promise.resolve({ response: 0 });
      },
    },
    ipcMain: {
      handle: (channel: string, handler: (event: unknown, ...args: unknown[]) => unknown) => handlers.set(channel, handler),
    },
  };
  return { module, state, appEvents, handlers };
}
