/** A minimal Server-Sent Events client over fetch, for tests. */
export interface SseMessage {
  id?: string;
  event?: string;
  data?: string;
}

export interface SseClient {
  status: number;
  contentType: string | null;
  messages: SseMessage[];
  comments: string[];
  /** Messages without an id (live presence and notifications, which are not events). */
  unnumbered: SseMessage[];
  /** Resolves with the id-less messages once one of type `event` arrives that `match` accepts. */
  waitForUnnumbered(event: string, match?: (data: string) => boolean, timeoutMs?: number): Promise<SseMessage>;
  /** Resolves once `count` messages have arrived (rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<SseMessage[]>;
  close(): void;
  closed: Promise<void>;
}

export async function openSse(url: string, headers: Record<string, string>): Promise<SseClient> {
  const abort = new AbortController();
  const res = await fetch(url, { headers, signal: abort.signal });
  const messages: SseMessage[] = [];
  const comments: string[] = [];
  const unnumbered: SseMessage[] = [];
  const waiters: (() => void)[] = [];
  let buffer = '';
  const reader = res.body?.getReader();
  const decoder = new TextDecoder();
  const closed = (async () => {
    if (!reader) return;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        buffer += decoder.decode(value, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const message: SseMessage = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments.push(line.slice(1).trim());
            else if (line.startsWith('id: ')) message.id = line.slice(4);
            else if (line.startsWith('event: ')) message.event = line.slice(7);
            else if (line.startsWith('data: ')) message.data = line.slice(6);
          }
          if (message.id) messages.push(message);
          else if (message.event) unnumbered.push(message);
          for (const wake of waiters.splice(0)) wake();
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    messages,
    comments,
    unnumbered,
    closed,
    async waitForUnnumbered(event, match = () => true, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = unnumbered.find((m) => m.event === event && match(m.data ?? ''));
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${event} (${unnumbered.length} id-less messages)`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
    close: () => abort.abort(),
    async waitFor(count, timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < count) {
        if (Date.now() > deadline) throw new Error(`timed out with ${messages.length}/${count} events`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
      return messages;
    },
  };
}
