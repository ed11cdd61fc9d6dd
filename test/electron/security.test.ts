import { describe, expect, it } from 'vitest';
import type { Session, WebContents } from 'electron';
import {
  contentSecurityPolicy,
  hardenSession,
  lockNavigation,
  webPreferences,
} from '../../electron/security.ts';
import { uiCsp } from '../../server/http/middleware/securityHeaders.ts';
import { FakeWebContents, createFakeElectron } from '../helpers/fakeElectron.ts';

const origin = 'http://127.0.0.1:4870';

describe('window security', () => {
  it('isolates and sandboxes the renderer with no Node access', () => {
    expect(webPreferences('/app/preload.cjs')).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
  });

  it('enforces the same strict CSP as the server on every response', () => {
    expect(contentSecurityPolicy).toBe(uiCsp);
    expect(contentSecurityPolicy).toContain("script-src 'self'");
    expect(contentSecurityPolicy).not.toContain('unsafe-eval');
    const fake = createFakeElectron('/tmp');
    hardenSession(fake.module.session.defaultSession as unknown as Session);
    let headers: Record<string, string[]> = {};
    fake.state.headersHandler?.({ responseHeaders: { 'X-Other': ['1'] } }, (r) => (headers = r.responseHeaders));
    expect(headers['Content-Security-Policy']).toEqual([uiCsp]);
    expect(headers['X-Other']).toEqual(['1']);
  });

  it('denies every permission request', () => {
    const fake = createFakeElectron('/tmp');
    hardenSession(fake.module.session.defaultSession as unknown as Session);
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read']) {
      let granted: boolean | null = null;
      fake.state.permissionRequestHandler?.({}, permission, (ok) => (granted = ok));
      expect(granted, permission).toBe(false);
    }
  });

  it('keeps navigation on the app origin and sends other web links to the system browser', () => {
    const contents = new FakeWebContents();
    const opened: string[] = [];
    lockNavigation(contents as unknown as WebContents, () => origin, async (url) => void opened.push(url));
    expect(contents.navigate('will-navigate', `${origin}/tickets/tkt_1`)).toBe(false);
    expect(contents.navigate('will-navigate', 'https://example.com/help')).toBe(true);
    expect(contents.navigate('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(contents.navigate('will-navigate', 'http://127.0.0.1:9999/')).toBe(true);
    expect(contents.navigate('will-redirect', 'https://evil.example/')).toBe(true);
    expect(opened).toEqual(['https://example.com/help', 'http://127.0.0.1:9999/']);
  });

  it('refuses every new window, opening only http(s) links externally', () => {
    const contents = new FakeWebContents();
    const opened: string[] = [];
    lockNavigation(contents as unknown as WebContents, () => origin, async (url) => void opened.push(url));
    for (const url of ['https://docs.example/', 'javascript:alert(1)', 'file:///tmp/x', `${origin}/inbox`, 'smb://share/x']) {
      expect(contents.openHandler?.({ url })).toEqual({ action: 'deny' });
    }
    expect(opened).toEqual(['https://docs.example/']);
  });

  it('refuses webviews', () => {
    const contents = new FakeWebContents();
    lockNavigation(contents as unknown as WebContents, () => origin, async () => undefined);
    let prevented = false;
    contents.emit('will-attach-webview', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
  });
});
