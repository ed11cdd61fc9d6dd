// Event streams against the real `localdesk serve` process: clients that open a stream and never
// read must not pin the server's memory, and open streams are bounded per key.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { type Socket, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../server/domain/apiKeys/keys.ts';
import { type Running, startServe } from '../helpers/cli.ts';
import { openSse } from '../helpers/sse.ts';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function serve(env: Record<string, string> = {}): Promise<{ run: Running; adminKey: string; port: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'localdesk-streams-'));
  const adminKey = generateApiKey();
  const run = await startServe(dir, { LOCALDESK_ADMIN_KEY: adminKey, LOCALDESK_RATE_LIMIT: '1000000', ...env });
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  cleanups.push(async () => {
    run.child.kill('SIGKILL');
    await run.exited;
  });
  return { run, adminKey, port: Number(new URL(run.url).port) };
}

/** VmRSS and VmHWM (peak) of a process, in MB. */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: Math.round(kb('VmRSS') / 1024), peak: Math.round(kb('VmHWM') / 1024) };
}

/** Opens a stream and never reads it: the kernel buffers fill, then the server's. */
function stalledStream(port: number, key: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.pause();
      socket.write(`GET /api/v1/events/stream HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-API-Key: ${key}\r\n\r\n`);
      resolve(socket);
    });
    socket.on('error', () => undefined); // reset by the server: expected
    socket.once('error', reject);
  });
}

async function openStreamsGauge(url: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return Number(/^localdesk_event_streams (\d+)/m.exec(text)?.[1] ?? NaN);
}

describe('stalled event streams', () => {
  it('keep the server within 300 MB with 500 stalled clients while events flow, and are dropped past their backlog', async () => {
    const { run, adminKey, port } = await serve();
    const api = (path: string, body?: unknown) =>
      fetch(`${run.url}/api/v1${path}`, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { 'X-API-Key': adminKey, 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const keys: string[] = [];
    for (let i = 0; i < 25; i++) {
      const res = await api('/api-keys', { name: `reader ${i}`, scopes: ['events:read'] });
      keys.push(((await res.json()) as { data: { key: string } }).data.key);
    }
    const sockets: Socket[] = [];
    cleanups.push(() => sockets.forEach((s) => s.destroy()));
    for (let i = 0; i < 500; i++) sockets.push(await stalledStream(port, keys[i % keys.length] ?? ''));
    // One healthy reader beside them gets every event.
    const reader = await openSse(`${run.url}/api/v1/events/stream?type=custom.bulk`, { 'X-API-Key': adminKey });
    cleanups.push(() => reader.close());
    await new Promise((resolve) => setTimeout(resolve, 500));
    const idle = memoryOf(run.child.pid ?? 0);

    const blob = 'x'.repeat(60_000);
    for (let i = 0; i < 120; i++) {
      const res = await api('/events', { type: 'custom.bulk', data: { i, blob } });
      expect(res.status).toBe(201);
    }
    await reader.waitFor(120, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = memoryOf(run.child.pid ?? 0);
    const health = await fetch(`${run.url}/health`);
    expect(health.status).toBe(200);
    const streamsLeft = await openStreamsGauge(run.url);
    console.info(`stalled streams: idle RSS ${idle.rss} MB, after RSS ${after.rss} MB, peak ${after.peak} MB, streams left ${streamsLeft}`);
    expect(after.peak, `peak RSS ${after.peak} MB (idle ${idle.rss} MB)`).toBeLessThan(300);
    // Every stalled stream went past its backlog and its connection was closed; the reader stays.
    expect(streamsLeft).toBe(1);
    expect(reader.messages).toHaveLength(120);
  });

  it('refuses a key more than 20 open streams with 429, other keys still open theirs', async () => {
    const { run, adminKey, port } = await serve();
    const sockets: Socket[] = [];
    cleanups.push(() => sockets.forEach((s) => s.destroy()));
    for (let i = 0; i < 20; i++) sockets.push(await stalledStream(port, adminKey));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const over = await fetch(`${run.url}/api/v1/events/stream`, { headers: { 'X-API-Key': adminKey } });
    expect(over.status).toBe(429);
    const body = (await over.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('RATE_LIMITED');
    expect(body.error.message).toMatch(/20 open event streams/);
    expect(over.headers.get('retry-after')).toMatch(/^\d+$/);
    // Closing one frees its slot.
    sockets.pop()?.destroy();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const again = await openSse(`${run.url}/api/v1/events/stream`, { 'X-API-Key': adminKey });
    expect(again.status).toBe(200);
    again.close();
  });

  it('refuses streams beyond the server-wide limit (LOCALDESK_MAX_STREAMS) with 503', async () => {
    const { run, adminKey, port } = await serve({ LOCALDESK_MAX_STREAMS: '2' });
    const sockets: Socket[] = [];
    cleanups.push(() => sockets.forEach((s) => s.destroy()));
    for (let i = 0; i < 2; i++) sockets.push(await stalledStream(port, adminKey));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const over = await fetch(`${run.url}/api/v1/events/stream`, { headers: { 'X-API-Key': adminKey } });
    expect(over.status).toBe(503);
    expect(((await over.json()) as { error: { code: string } }).error.code).toBe('UNAVAILABLE');
    expect(await openStreamsGauge(run.url)).toBe(2);
  });
});
