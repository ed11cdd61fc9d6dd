// The server's log: JSON lines (pino) on stdout that never hold up a request. pino's own
// destination writes synchronously by default, and its retry loop waits forever on a disk that
// is full (measured: with stdout on a full disk the server stopped answering even /health while
// staying alive). This one queues lines in memory, writes them asynchronously one chunk at a
// time, and drops lines (counting them) when the queue is full or the write fails; a note says
// how many were lost once writing works again.
import { write } from 'node:fs';
import { type Logger, pino } from 'pino';
import type { Config } from './config.ts';

/** Lines waiting for the destination, at most; beyond this they are dropped. */
const maxQueuedBytes = 4 * 1024 * 1024;
/** A destination that is temporarily unable to take more (a full pipe) is retried after this. */
const retryMs = 100;

export class NonBlockingDestination {
  private queue: string[] = [];
  private queuedBytes = 0;
  private writing = false;
  private pending: Buffer | null = null;
  /** Lines dropped since the last successful write. */
  private dropped = 0;

  constructor(private readonly fd: number) {}

  /** pino calls this with one serialized line; it never blocks and never throws. */
  write(line: string): boolean {
    if (this.queuedBytes + line.length > maxQueuedBytes) {
      this.dropped++;
      return true;
    }
    this.queue.push(line);
    this.queuedBytes += line.length;
    if (!this.writing) this.next();
    return true;
  }

  private next(): void {
    if (!this.pending) {
      if (this.queue.length === 0) {
        this.writing = false;
        return;
      }
      const text = this.queue.join('');
      this.queue = [];
      this.queuedBytes = 0;
      this.pending = Buffer.from(text);
    }
    this.writing = true;
    const chunk = this.pending;
    write(this.fd, chunk, 0, chunk.length, null, (err, written) => {
      if (err) {
        if (err.code === 'EAGAIN') {
          setTimeout(() => this.next(), retryMs).unref();
          return;
        }
        // A full disk, a closed pipe: these lines are lost; the next ones may fare better.
        this.dropped += chunk.toString().split('\n').length - 1;
        this.pending = null;
        this.writing = false;
        return;
      }
      this.pending = written < chunk.length ? chunk.subarray(written) : null;
      if (!this.pending && this.dropped > 0) {
        const note = `${JSON.stringify({ level: 40, time: Date.now(), msg: 'log lines dropped: the log could not be written', dropped: this.dropped })}\n`;
        this.dropped = 0;
        this.queue.unshift(note);
        this.queuedBytes += note.length;
      }
      this.next();
    });
  }

  /** Resolves once the queue is written (or after `timeoutMs`): for a clean shutdown. */
  async drain(timeoutMs = 1_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.writing && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface ServerLog {
  logger: Logger;
  destination: NonBlockingDestination;
}

/** The server's logger on stdout (fd 1). */
export function createLogger(level: Config['logLevel'], fd = 1): ServerLog {
  const destination = new NonBlockingDestination(fd);
  return { logger: pino({ level }, destination), destination };
}
