// The UI's "now": the browser's clock corrected by the server's, measured from the Date header
// of API responses, so SLA countdowns and relative times agree with the server's judgement
// (a LAN host may drift) yet keep moving while the page is open.
import { useSyncExternalStore } from 'react';

let skewMs = 0;
let bestRoundTrip = Number.POSITIVE_INFINITY;
const listeners = new Set<() => void>();

/** The server's time now, as well as this page can tell. */
export function serverNow(): number {
  return Date.now() + skewMs;
}

/**
 * Takes one measurement: the Date header of a response, and when the request left and the
 * response arrived. The header has whole seconds (rounded down), so its middle is +500 ms. The
 * measurement with the shortest round trip wins; one that disagrees by over 5 s means the
 * server's clock was changed, and replaces it.
 */
export function observeServerDate(header: string | null, sentAt: number, receivedAt: number): void {
  const server = header ? Date.parse(header) : Number.NaN;
  if (Number.isNaN(server)) return;
  const roundTrip = Math.max(0, receivedAt - sentAt);
  const estimate = server + 500 - (sentAt + roundTrip / 2);
  if (roundTrip > bestRoundTrip && Math.abs(estimate - skewMs) <= 5000) return;
  bestRoundTrip = roundTrip;
  if (Math.abs(estimate - skewMs) < 250) return;
  skewMs = estimate;
  tick();
}

// One ticker for the whole page, running only while something shows a time.
const tickMs = 15_000;
let current = serverNow();
let timer: ReturnType<typeof setInterval> | null = null;

function tick() {
  current = serverNow();
  listeners.forEach((listener) => listener());
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  if (!timer) timer = setInterval(tick, tickMs);
  current = serverNow();
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

/** The server's time, re-read every 15 seconds while the component is mounted. */
export function useNow(): number {
  return useSyncExternalStore(subscribe, () => current);
}
