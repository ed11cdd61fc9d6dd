// Where the API key lives. In the desktop app it comes from the preload bridge and is never
// stored by the page. In a browser it is kept in localStorage only when the user asked to be
// remembered on this device; otherwise in sessionStorage, dropped when the tab closes.
import { desktopBridge } from './bridge.ts';

const KEY = 'localdesk.apiKey';

export type KeySource = 'desktop' | 'remembered' | 'session';

export async function initialKey(): Promise<{ apiKey: string; source: KeySource } | null> {
  const bridge = desktopBridge();
  if (bridge) {
    // A desktop that is a replica of a team host has no key of its own: its person signs in.
    const apiKey = await bridge.getApiKey();
    if (apiKey) return { apiKey, source: 'desktop' };
  }
  const remembered = localStorage.getItem(KEY);
  if (remembered) return { apiKey: remembered, source: 'remembered' };
  const session = sessionStorage.getItem(KEY);
  return session ? { apiKey: session, source: 'session' } : null;
}

export function saveKey(apiKey: string, remember: boolean): void {
  clearKey();
  (remember ? localStorage : sessionStorage).setItem(KEY, apiKey);
}

export function clearKey(): void {
  localStorage.removeItem(KEY);
  sessionStorage.removeItem(KEY);
}
