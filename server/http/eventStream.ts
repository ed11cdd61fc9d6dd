// GET /events/stream: Server-Sent Events. Each stream keeps a cursor (the seq of the last event
// it considered); live batches from the hub are written if they continue the cursor, and any
// gap is read from the database first, so a stream never loses or repeats an event, including
// after a reconnect with Last-Event-ID. A stream sends its key only the events the key may read
// (events.visibility.ts). On request it also carries live messages that are not events
// (presence, the caller's own new notifications).
//
// Memory: a client that stops reading makes the server buffer what it cannot send. Each event's
// SSE frame is built once and the same string is queued for every stream (not a copy per
// stream); a stream whose unsent backlog passes maxBacklogBytes is cut off by destroying its
// socket (ending it would leave the socket open with the backlog still queued), and the client
// resumes by Last-Event-ID. Catching up from the database waits for the client to take each
// batch. Open streams are bounded per key and per server.
import type { Context } from 'koa';
import type { EventRow } from '../../db/schema.ts';
import type { EventT } from '../../common/contract/events.ts';
import { typeMatches } from '../../common/rules/events.ts';
import { AppError } from '../core/errors.ts';
import type { Deps } from '../deps.ts';
import type { Actor } from '../domain/context.ts';
import { feedPageSize, readEventsAfter } from '../domain/events/events.feed.ts';
import { presentEvent } from '../domain/events/events.presenter.ts';
import { canReadEvent } from '../domain/events/events.visibility.ts';

/** A client whose unsent backlog passes this is disconnected; it resumes by Last-Event-ID. */
const maxBacklogBytes = 1024 * 1024;
/** Catching up pauses until the client has taken what was sent beyond this. */
const catchUpPauseBytes = 64 * 1024;
/** A catch-up that waits this long for the client to read is given up (the client is gone). */
const stallMs = 60_000;

interface Frame {
  event: EventT;
  text: string;
}

/** One frame per event row: the hub hands the same rows to every stream. */
const frames = new WeakMap<EventRow, Frame>();

function frameOf(row: EventRow): Frame {
  let frame = frames.get(row);
  if (!frame) {
    const event = presentEvent(row);
    frame = { event, text: `id: ${row.id}\nevent: ${row.type}\ndata: ${JSON.stringify(event)}\n\n` };
    frames.set(row, frame);
  }
  return frame;
}

interface Slots {
  total: number;
  byKey: Map<string, number>;
}

const slotsByServer = new WeakMap<Deps, Slots>();

function slotsOf(deps: Deps): Slots {
  let slots = slotsByServer.get(deps);
  if (!slots) slotsByServer.set(deps, (slots = { total: 0, byKey: new Map() }));
  return slots;
}

/** Event streams open on this server now (the `localdesk_event_streams` gauge). */
export function openEventStreams(deps: Deps): number {
  return slotsOf(deps).total;
}

/** Takes a stream slot for the key, or refuses: 429 over the key's share, 503 when all are taken. */
function takeSlot(deps: Deps, keyId: string): () => void {
  const slots = slotsOf(deps);
  const { maxEventStreams, maxEventStreamsPerKey } = deps.config;
  const mine = slots.byKey.get(keyId) ?? 0;
  if (mine >= maxEventStreamsPerKey) {
    throw new AppError('RATE_LIMITED', `this key already has ${maxEventStreamsPerKey} open event streams (the limit): close one first`, {
      limit: maxEventStreamsPerKey,
      retryAfterSeconds: 5,
    });
  }
  if (slots.total >= maxEventStreams) {
    throw new AppError('UNAVAILABLE', `the server has ${maxEventStreams} open event streams (the limit): retry later`, {
      limit: maxEventStreams,
      retryAfterSeconds: 5,
    });
  }
  slots.total++;
  slots.byKey.set(keyId, mine + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    slots.total--;
    const left = (slots.byKey.get(keyId) ?? 1) - 1;
    if (left > 0) slots.byKey.set(keyId, left);
    else slots.byKey.delete(keyId);
  };
}

/** Live messages a stream asked for beside the events (`?include=`), for whom. */
export interface StreamExtras {
  include: readonly ('presence' | 'notifications')[];
  userId: string | null;
}

export function openEventStream(
  http: Context,
  deps: Deps,
  actor: Actor,
  startSeq: number,
  types: readonly string[] | undefined,
  extras?: StreamExtras,
): void {
  let release: () => void;
  try {
    release = takeSlot(deps, actor.id ?? '');
  } catch (err) {
    http.set('Retry-After', '5');
    throw err;
  }
  const { res } = http;
  const socket = http.req.socket;
  socket.setTimeout(0);
  socket.setNoDelay(true);
  // Written here, straight to the socket's response: no intermediate stream holding a copy.
  http.respond = false;
  http.status = 200;
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    'X-Accel-Buffering': 'no',
  });

  let cursor = startSeq;
  let closed = false;
  let chain: Promise<void> = Promise.resolve();

  const write = (row: EventRow) => {
    cursor = row.seq;
    if (types && !typeMatches(types, row.type)) return;
    const frame = frameOf(row);
    if (!canReadEvent(actor, frame.event)) return;
    res.write(frame.text);
  };
  /** Resolves once the client has taken the backlog; cuts it off if it stalls. */
  const drained = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      const timer = setTimeout(() => {
        drop();
        done();
      }, stallMs);
      res.once('drain', done);
      res.once('close', done);
    });
  const catchUp = async () => {
    for (;;) {
      const rows = await readEventsAfter(deps.db, cursor);
      for (const row of rows) {
        if (closed) return;
        write(row);
        if (res.writableLength > catchUpPauseBytes) await drained();
      }
      if (rows.length < feedPageSize || closed) return;
    }
  };
  const enqueue = (task: () => Promise<void> | void) => {
    chain = chain
      .then(async () => {
        if (!closed) await task();
      })
      .catch((err: unknown) => {
        deps.logger.error({ err }, 'event stream failed');
        drop();
      });
  };
  /** Live writes do not wait for the client; one that falls this far behind is dropped. */
  const checkBacklog = () => {
    if (res.writableLength > maxBacklogBytes) drop();
  };

  const unsubscribe = deps.hub.subscribe((batch) =>
    enqueue(async () => {
      if ((batch[0]?.seq ?? 0) > cursor + 1) await catchUp();
      for (const row of batch) if (row.seq > cursor && !closed) write(row);
      checkBacklog();
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
            res.write(`event: ${message.type}\ndata: ${JSON.stringify(message.data)}\n\n`);
            checkBacklog();
          });
        });
  const heartbeat = setInterval(() => {
    res.write(': heartbeat\n\n');
    checkBacklog();
  }, deps.config.sseHeartbeatMs);
  const offClose = deps.hub.onClose(() => close());

  /** Ends the stream: the client has everything sent so far (server shutdown). */
  function close() {
    if (closed) return;
    closed = true;
    release();
    unsubscribe();
    offLive();
    offClose();
    clearInterval(heartbeat);
    res.end();
  }
  /** Cuts the connection: nothing more is buffered for a client that does not read. */
  function drop() {
    close();
    socket.destroy();
  }
  res.on('close', close);
  res.on('error', drop);

  res.write(`retry: 3000\n: connected\n\n`);
  enqueue(catchUp);
}
