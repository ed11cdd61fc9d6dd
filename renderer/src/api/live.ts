// Live updates from GET /api/v1/events/stream. EventSource cannot send the API key header (and
// keys never go in URLs), so this reads the stream with fetch, parses SSE itself, and
// reconnects with Last-Event-ID so no event is lost or repeated across a reconnect.
import type { LiveEvent } from './types.ts';

export interface LiveOptions {
  url: string;
  getKey: () => string | null;
  onEvent: (event: LiveEvent) => void;
  /** Live messages that are not events (no id): `presence`, `notification`. */
  onMessage?: (type: string, data: unknown) => void;
  onStatus?: (status: 'connecting' | 'live' | 'offline') => void;
  /** Called on 401: the key no longer works. */
  onUnauthorized?: () => void;
  retryMs?: number;
}

/** Splits an SSE text buffer into complete messages; returns them and the unfinished rest. */
export function parseSse(buffer: string): { messages: { id?: string; event?: string; data: string }[]; rest: string } {
  const messages: { id?: string; event?: string; data: string }[] = [];
  let rest = buffer;
  let end: number;
  while ((end = rest.indexOf('\n\n')) >= 0) {
    const block = rest.slice(0, end);
    rest = rest.slice(end + 2);
    let id: string | undefined;
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'id') id = value;
      else if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length > 0) messages.push({ id, event, data: data.join('\n') });
  }
  return { messages, rest };
}

/** Connects and keeps reconnecting until the returned stop() is called. */
export function connectLive(options: LiveOptions): () => void {
  let stopped = false;
  let lastEventId: string | null = null;
  let controller: AbortController | null = null;
  const retryMs = options.retryMs ?? 3000;

  const run = async () => {
    while (!stopped) {
      // No key: the session cookie authenticates the stream.
      const key = options.getKey();
      controller = new AbortController();
      options.onStatus?.('connecting');
      try {
        const headers: Record<string, string> = { Accept: 'text/event-stream' };
        if (key) headers['X-API-Key'] = key;
        if (lastEventId) headers['Last-Event-ID'] = lastEventId;
        const res = await fetch(options.url, { headers, signal: controller.signal });
        if (res.status === 401) {
          options.onUnauthorized?.();
          return;
        }
        if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
        options.onStatus?.('live');
        const reader = res.body.getReader();
        const decoder = new TextDecoder();
        let buffer = '';
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          const parsed = parseSse(buffer + decoder.decode(value, { stream: true }));
          buffer = parsed.rest;
          for (const message of parsed.messages) {
            if (message.id) lastEventId = message.id;
            else if (message.event) {
              try {
                options.onMessage?.(message.event, JSON.parse(message.data));
              } catch {
                // A malformed message is skipped.
              }
              continue;
            }
            try {
              options.onEvent(JSON.parse(message.data) as LiveEvent);
            } catch {
              // A malformed message is skipped; the next one carries on.
            }
          }
        }
      } catch (err) {
        if (stopped) return;
        void err;
      }
      options.onStatus?.('offline');
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  };
  void run();
  return () => {
    stopped = true;
    controller?.abort();
  };
}
