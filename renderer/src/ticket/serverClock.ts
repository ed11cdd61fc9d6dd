// The server's "now", estimated as the newest timestamp it has sent us (ticket updates,
// messages). The browser's clock is not the server's: tests fix the server clock, and a LAN
// host may drift. Relative times and "due soon" count from this.
import { useSyncExternalStore } from 'react';

let newest = 0;
const listeners = new Set<() => void>();

export function observeServerTimes(times: Iterable<string | null | undefined>): void {
  let max = newest;
  for (const iso of times) {
    if (!iso) continue;
    const t = Date.parse(iso);
    if (t > max) max = t;
  }
  if (max > newest) {
    newest = max;
    listeners.forEach((l) => l());
  }
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The newest server time seen so far (0 before any data arrived). */
export function useServerNow(): number {
  return useSyncExternalStore(subscribe, () => newest);
}
