// GET /events/stream: Server-Sent Events. Each stream keeps a cursor (the seq of the last event
// it considered); live batches from the hub are written if they continue the cursor, and any
// gap is read from the database first, so a stream never loses or repeats an event, including
// after a reconnect with Last-Event-ID. On request it also carries live messages that are not
// events (presence, the caller's own new notifications).
import { PassThrough } from 'node:stream';
import type { Context } from 'koa';
import type { EventRow } from '../../db/schema.ts';
import type { Deps } from '../deps.ts';
import { typeMatches } from '../../common/rules/events.ts';
import { feedPageSize, readEventsAfter } from '../domain/events/events.feed.ts';
import { presentEvent } from '../domain/events/events.presenter.ts';

/** A slow client whose unsent backlog passes this is disconnected; it resumes by Last-Event-ID. */
const maxBacklogBytes = 4 * 1024 * 1024;

/** Live messages a stream asked for beside the events (`?include=`), for whom. */
export interface StreamExtras {
  include: readonly ('presence' | 'notifications')[];
  userId: string | null;
}

export function openEventStream(
  ctx: Context,
  deps: Deps,
  startSeq: number,
  types: readonly string[] | undefined,
  extras?: StreamExtras,
): void {
  const out = new PassThrough();
  ctx.req.socket.setTimeout(0);
  ctx.req.socket.setNoDelay(true);
  ctx.set('Content-Type', 'text/event-stream; charset=utf-8');
  ctx.set('Cache-Control', 'no-cache, no-transform');
  ctx.set('X-Accel-Buffering', 'no');
  ctx.status = 200;
  ctx.body = out;

  let cursor = startSeq;
  let closed = false;
  let chain: Promise<void> = Promise.resolve();

  const write = (row: EventRow) => {
    cursor = row.seq;
    if (types && !typeMatches(types, row.type)) return;
    out.write(`id: ${row.id}\nevent: ${row.type}\ndata: ${JSON.stringify(presentEvent(row))}\n\n`);
    if (out.writableLength > maxBacklogBytes) close();
  };
  const catchUp = async () => {
    for (;;) {
      const rows = await readEventsAfter(deps.db, cursor);
      for (const row of rows) if (!closed) write(row);
      if (rows.length < feedPageSize || closed) return;
    }
  };
  const enqueue = (task: () => Promise<void> | void) => {
    chain = chain.then(async () => {
      if (!closed) await task();
    }).catch((err: unknown) => {
      deps.logger.error({ err }, 'event stream failed');
      close();
    });
  };

  const unsubscribe = deps.hub.subscribe((batch) =>
    enqueue(async () => {
      if ((batch[0]?.seq ?? 0) > cursor + 1) await catchUp();
      for (const row of batch) if (row.seq > cursor && !closed) write(row);
    }),
  );
  // Presence and notifications carry no id: they are not part of the feed, and a reconnect
  // with Last-Event-ID must not skip or repeat an event because of them.
  const wanted = new Set(extras?.include ?? []);
  const offLive =
    wanted.size === 0
      ? () => undefined
      : deps.live.subscribe((message) => {
          const kind = message.type === 'presence' ? 'presence' : 'notifications';
          if (!wanted.has(kind)) return;
          if (message.userId !== undefined && message.userId !== extras?.userId) return;
          enqueue(() => {
            out.write(`event: ${message.type}\ndata: ${JSON.stringify(message.data)}\n\n`);
          });
        });
  const heartbeat = setInterval(() => out.write(': heartbeat\n\n'), deps.config.sseHeartbeatMs);
  const offClose = deps.hub.onClose(() => close());
  function close() {
    if (closed) return;
    closed = true;
    unsubscribe();
    offLive();
    offClose();
    clearInterval(heartbeat);
    out.end();
  }
  ctx.req.on('close', close);
  out.on('error', close);

  out.write(`retry: 3000\n: connected\n\n`);
  enqueue(catchUp);
}
