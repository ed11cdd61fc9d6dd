// A full disk under the real `localdesk serve`: the database's disk (writes refused with a clear
// 503, reads served, writes back once there is room) and the log's disk or pipe (requests never
// wait for the log). Each case runs on its own small tmpfs, unmounted afterwards.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../server/domain/apiKeys/keys.ts';
import { binPath } from '../helpers/cli.ts';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A tmpfs of `size` mounted on a fresh folder, unmounted (and removed) after the test. */
function smallDisk(size: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'localdesk-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  cleanups.push(() => {
    execFileSync('umount', ['-l', dir]);
    rmSync(dir, { recursive: true, force: true });
  });
  return dir;
}

/** Fills the rest of the disk holding `dir` with a file; returns its path. */
function fill(dir: string): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'a');
  const chunk = Buffer.alloc(4096);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
  } finally {
    closeSync(fd);
  }
  return path;
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

interface Served {
  child: ChildProcess;
  url: string;
  key: string;
}

/** `localdesk serve` with stdout going wherever `stdout` says; ready once /health answers. */
async function serve(dataDir: string, stdout: number | 'ignore', env: Record<string, string> = {}): Promise<Served> {
  const port = await freePort();
  const key = generateApiKey();
  const child = spawn(process.execPath, [binPath, 'serve', '--data', dataDir, '--port', String(port)], {
    env: { ...process.env, LOCALDESK_LOG_LEVEL: 'silent', LOCALDESK_ADMIN_KEY: key, LOCALDESK_RATE_LIMIT: '1000000', ...env },
    stdio: ['ignore', stdout, 'ignore'],
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  cleanups.push(async () => {
    child.kill('SIGKILL');
    await exited;
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`serve exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/health`)).status === 200) return { child, url, key };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error('serve did not start');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const postTicket = (s: Served, i: number) =>
  fetch(`${s.url}/api/v1/tickets`, {
    method: 'POST',
    headers: { 'X-API-Key': s.key, 'Content-Type': 'application/json' },
    body: JSON.stringify({ subject: `Disk ${i}`, description: 'd'.repeat(50_000), contactEmail: `disk${i}@example.com` }),
  });

describe('the database disk fills up', () => {
  it('answers writes 503 UNAVAILABLE (disk full) while reads go on, and writes again once there is room', async () => {
    const disk = smallDisk('12m');
    const dataDir = join(disk, 'data');
    mkdirSync(dataDir);
    const s = await serve(dataDir, 'ignore');
    const first = await postTicket(s, 0);
    expect(first.status).toBe(201);
    const ticket = ((await first.json()) as { data: { id: string } }).data;
    const filler = fill(disk);

    // Alone and grouped into one commit (concurrent requests share a transaction).
    const statuses: number[] = [];
    const bodies: { error: { code: string; details?: { reason?: string } } }[] = [];
    for (let round = 0; round < 3; round++) {
      const batch = await Promise.all([1, 2, 3, 4].map((i) => postTicket(s, round * 10 + i)));
      for (const res of batch) {
        statuses.push(res.status);
        if (res.status !== 201) bodies.push((await res.json()) as (typeof bodies)[number]);
      }
    }
    expect(statuses.filter((code) => code !== 201 && code !== 503), `statuses ${statuses.join(',')}`).toEqual([]);
    expect(bodies.length).toBeGreaterThan(0);
    for (const body of bodies) {
      expect(body.error.code).toBe('UNAVAILABLE');
      expect(body.error.details?.reason).toBe('disk full');
    }
    // Reads are served from what is committed.
    expect((await fetch(`${s.url}/api/v1/tickets/${ticket.id}`, { headers: { 'X-API-Key': s.key } })).status).toBe(200);
    expect((await fetch(`${s.url}/api/v1/tickets?limit=5`, { headers: { 'X-API-Key': s.key } })).status).toBe(200);
    expect((await fetch(`${s.url}/ready`)).status).toBe(200);

    rmSync(filler);
    const again = await postTicket(s, 99);
    expect(again.status).toBe(201);
    const list = await fetch(`${s.url}/api/v1/tickets?limit=100`, { headers: { 'X-API-Key': s.key } });
    const total = ((await list.json()) as { meta: { total: number } }).meta.total;
    expect(total).toBe(1 + statuses.filter((code) => code === 201).length + 1);
  });
});

/** Asks /health `times` times; every answer must come within `timeoutMs`. */
async function healthChecks(url: string, times: number, timeoutMs = 3_000): Promise<number[]> {
  const statuses: number[] = [];
  for (let i = 0; i < times; i++) {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(timeoutMs) }).catch(() => null);
    statuses.push(res?.status ?? 0);
  }
  return statuses;
}

describe('the log cannot be written', () => {
  it('keeps answering when stdout is a file on a disk that fills up, and logs again once there is room', async () => {
    const disk = smallDisk('64k');
    const dataDir = mkdtempSync(join(tmpdir(), 'localdesk-logdisk-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const logFile = join(disk, 'server.log');
    const fd = openSync(logFile, 'a');
    cleanups.push(() => closeSync(fd));
    const s = await serve(dataDir, fd, { LOCALDESK_LOG_LEVEL: 'info' });
    const filler = fill(disk);
    const statuses = await healthChecks(s.url, 300);
    expect(statuses.filter((code) => code !== 200), 'health checks that failed').toEqual([]);
    expect((await fetch(`${s.url}/api/v1/tickets`, { headers: { 'X-API-Key': s.key } })).status).toBe(200);

    rmSync(filler);
    const before = statSync(logFile).size;
    await healthChecks(s.url, 20);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(statSync(logFile).size).toBeGreaterThan(before);
  });

  it('keeps answering when stdout is a pipe nobody reads', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'localdesk-logpipe-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    // A named pipe held open here and never read: its 64 KiB buffer fills with log lines.
    const fifo = join(dataDir, 'log.fifo');
    execFileSync('mkfifo', [fifo]);
    const fd = openSync(fifo, 'r+');
    cleanups.push(() => closeSync(fd));
    const s = await serve(join(dataDir, 'data'), fd, { LOCALDESK_LOG_LEVEL: 'info' });
    const statuses = await healthChecks(s.url, 1500);
    expect(statuses.filter((code) => code !== 200), 'health checks that failed').toEqual([]);
  });
});
