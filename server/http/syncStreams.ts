// The two sync routes that write their own response: the snapshot (NDJSON, paced by the client)
// and the change nudges (Server-Sent Events).
import { pipeline } from 'node:stream/promises';
import type { Context } from 'koa';
import type { Deps, ReplicaHandle } from '../deps.ts';
import type { Ctx } from '../domain/context.ts';
import { snapshotStream } from '../domain/sync/host.ts';
import { assertHostReader } from '../domain/sync/sync.service.ts';

export async function sendSnapshot(ctx: Ctx, replica: ReplicaHandle | null, http: Context): Promise<void> {
  await assertHostReader(ctx, replica);
  const { cursor, stream } = await snapshotStream(ctx.db);
  http.respond = false;
  http.req.socket.setTimeout(0);
  http.res.writeHead(200, {
    'Content-Type': 'application/x-ndjson; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-LocalDesk-Sync-Cursor': String(cursor),
  });
  // A client that goes away ends the stream, which closes the snapshot.
  await pipeline(stream, http.res).catch(() => undefined);
}

const heartbeatMs = 15_000;

export async function openSyncStream(ctx: Ctx, deps: Deps, http: Context): Promise<void> {
  await assertHostReader(ctx, deps.replica);
  const { res } = http;
  http.req.socket.setTimeout(0);
  http.req.socket.setNoDelay(true);
  http.respond = false;
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    'X-Accel-Buffering': 'no',
  });
  res.write(': connected\n\n');
  const unsubscribe = deps.hub.subscribe(() => void res.write('event: changed\ndata: {}\n\n'));
  const beat = setInterval(() => res.write(': ping\n\n'), heartbeatMs);
  const end = () => {
    clearInterval(beat);
    unsubscribe();
    unclose();
    if (!res.writableEnded) res.end();
  };
  const unclose = deps.hub.onClose(end);
  http.req.once('close', end);
}
