// The seam to the desktop app: its preload script exposes exactly this object (and nothing
// else) on `window.localdesk`. In a browser it is absent.
export interface LocalDeskBridge {
  /** The desktop's own API key, handed over by the main process. */
  getApiKey(): Promise<string>;
  /** The URL teammates on the LAN use, or null while LAN sharing is off. */
  getLanUrl(): Promise<string | null>;
}

declare global {
  interface Window {
    localdesk?: LocalDeskBridge;
  }
}

export function desktopBridge(): LocalDeskBridge | null {
  return typeof window !== 'undefined' && window.localdesk ? window.localdesk : null;
}
