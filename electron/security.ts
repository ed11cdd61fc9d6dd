// The window's security settings, kept in one place so a test can hold them to account:
// no Node in the renderer, an isolated and sandboxed preload, a strict CSP, navigation locked
// to the app's own origin, new windows refused, every permission request denied.
import type { App, BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import { uiCsp } from '../server/http/middleware/securityHeaders.ts';

/** The same policy the server sends with the web UI: one definition for both. */
export const contentSecurityPolicy = uiCsp;

export function webPreferences(preloadPath: string): NonNullable<BrowserWindowConstructorOptions['webPreferences']> {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: true,
  };
}

/** Only http(s) links leave the app, and only to the system browser. */
export function isExternalLink(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

export function sameOrigin(url: string, origin: string): boolean {
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
}

/**
 * Locks a window's contents to `appOrigin()` (a function: the origin changes when LAN sharing
 * rebinds the server). Other http(s) links open in the system browser; anything else is refused.
 */
export function lockNavigation(
  contents: WebContents,
  appOrigin: () => string,
  openExternal: (url: string) => Promise<void>,
): void {
  contents.on('will-navigate', (event, url) => {
    if (sameOrigin(url, appOrigin())) return;
    event.preventDefault();
    if (isExternalLink(url)) void openExternal(url);
  });
  contents.on('will-redirect', (event, url) => {
    if (!sameOrigin(url, appOrigin())) event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalLink(url) && !sameOrigin(url, appOrigin())) void openExternal(url);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/**
 * Locks every web contents the app ever creates (windows, devtools, anything a future feature or
 * a dependency opens), not only the main window: Electron's `web-contents-created` fires for
 * each before it loads anything. Register it before the first window.
 */
export function guardAllWebContents(
  app: Pick<App, 'on'>,
  appOrigin: () => string,
  openExternal: (url: string) => Promise<void>,
): void {
  app.on('web-contents-created', (_event, contents) => lockNavigation(contents, appOrigin, openExternal));
}

/**
 * How links leave the app: only http(s), to the system browser, and to a host other than the
 * app's own only once the user has agreed (`ask` shows the URL): a link in a customer's message
 * must not open a look-alike site with one click.
 */
export function externalOpener(
  appOrigin: () => string,
  ask: (url: string) => Promise<boolean>,
  open: (url: string) => Promise<void>,
): (url: string) => Promise<void> {
  return async (url) => {
    if (!isExternalLink(url)) return;
    const sameHost = new URL(url).hostname === new URL(appOrigin()).hostname;
    if (sameHost || (await ask(url))) await open(url);
  };
}

/** Denies every permission (camera, notifications from the page, geolocation, ...) and sets the CSP. */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: {
        ...details.responseHeaders,
        'Content-Security-Policy': [contentSecurityPolicy],
      },
    });
  });
}
