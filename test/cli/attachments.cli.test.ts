// The real `localdesk serve` in its own process: memory while a large file streams in, and a
// kill -9 in the middle of an upload.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../server/domain/apiKeys/keys.ts';
import { type Running, startServe } from '../helpers/cli.ts';
import { eventually, sha256, storeContents, uploadRaw } from '../helpers/attachments.ts';

const dirs: string[] = [];
const children: Running[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    if (child.child.exitCode === null) {
      child.child.kill('SIGKILL');
      await child.exited;
    }
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'localdesk-cli-att-'));
  dirs.push(dir);
  return dir;
}

async function serve(dir: string, env: Record<string, string>): Promise<Running> {
  const running = await startServe(dir, env);
  children.push(running);
  return running;
}

/** Resident memory of a process, from /proc (Linux), in bytes. */
function rssOf(pid: number): number {
  const line = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(line?.[1] ?? 0) * 1024;
}

/**
 * Streams `total` bytes of pseudo-random data (made on the fly: the test holds one chunk) as a raw
 * upload; `onChunk` runs after each chunk is handed to the socket. Resolves with the answer and
 * the hash of what was sent.
 */
function streamUpload(
  url: string,
  key: string,
  total: number,
  options: { chunkBytes?: number; onChunk?: (sent: number) => Promise<void> | void } = {},
): Promise<{ status: number; body: string; sha256: string }> {
  const chunkBytes = options.chunkBytes ?? 256 * 1024;
  const hash = createHash('sha256');
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${url}/api/v1/attachments?name=big.bin`,
      { method: 'POST', headers: { 'X-API-Key': key, 'Content-Type': 'application/octet-stream', 'Content-Length': String(total) } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, sha256: hash.digest('hex') }));
      },
    );
    req.on('error', reject);
    const seed = randomBytes(chunkBytes);
    let sent = 0;
    const next = async () => {
      while (sent < total) {
        const size = Math.min(chunkBytes, total - sent);
        seed[0] = (seed[0]! + 1) & 0xff; // every chunk differs a little
        const chunk = seed.subarray(0, size);
        hash.update(chunk);
        sent += size;
        const drained = req.write(chunk);
        await options.onChunk?.(sent);
        if (!drained) await new Promise((r) => req.once('drain', r));
      }
      req.end();
    };
    next().catch(reject);
  });
}

describe('uploads to `localdesk serve`', () => {
  it('streams a 100 MB upload with the server growing by less than 30 MB', async () => {
    const key = generateApiKey();
    const dir = dataDir();
    const server = await serve(dir, { LOCALDESK_ADMIN_KEY: key, LOCALDESK_MAX_ATTACHMENT_MB: '200' });
    const pid = server.child.pid!;
    // The baseline is a server that has taken one upload before: the first one loads code and
    // lets V8 settle its working set (it keeps roughly 20-30 MB of spent network buffers between
    // collections, whatever the file size). What this test must catch is memory that grows with
    // the file: a server holding the upload would grow by 100 MB and more.
    const warm = await streamUpload(server.url, key, 32 * 1024 * 1024);
    expect(warm.status).toBe(201);
    await new Promise((r) => setTimeout(r, 300));
    const baseline = rssOf(pid);
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 10);
    const total = 100 * 1024 * 1024;
    const result = await streamUpload(server.url, key, total);
    clearInterval(sampler);
    peak = Math.max(peak, rssOf(pid));

    expect(result.status).toBe(201);
    const att = JSON.parse(result.body).data as { sha256: string; size: number };
    expect(att).toMatchObject({ size: total, sha256: result.sha256 });
    expect(statSync(join(dir, 'attachments', att.sha256.slice(0, 2), att.sha256)).size).toBe(total);
    const growthMb = (peak - baseline) / (1024 * 1024);
    console.log(`100 MB upload: server RSS ${Math.round(baseline / 2 ** 20)} MB → peak ${Math.round(peak / 2 ** 20)} MB (+${growthMb.toFixed(1)} MB)`);
    expect(growthMb).toBeLessThan(30);
  });

  it('leaves no half file referenced after kill -9 during an upload, and clears it at the next start', async () => {
    const key = generateApiKey();
    const dir = dataDir();
    const env = { LOCALDESK_ADMIN_KEY: key };
    const first = await serve(dir, env);
    const done = await uploadRaw(first.url, key, 'complete before the crash', { name: 'done.txt' });
    expect(done.status).toBe(201);

    // Start a 20 MB upload and kill the server once part of it is on disk.
    const upload = streamUpload(first.url, key, 20 * 1024 * 1024, {
      chunkBytes: 64 * 1024,
      onChunk: async (sent) => {
        if (sent === 4 * 1024 * 1024) {
          await eventually(() => storeContents(dir).temps.length === 1 && statSync(join(dir, 'attachments', 'incoming', storeContents(dir).temps[0]!)).size > 0);
          first.child.kill('SIGKILL');
          await first.exited;
        }
      },
    }).catch((err: unknown) => err);
    expect(await upload).toBeInstanceOf(Error); // the connection died with the server
    expect(storeContents(dir).temps).toHaveLength(1); // the half file is there, under a temp name

    // Every row names a complete file with the hash it claims; the half file is named by none.
    const db = new BetterSqlite3(join(dir, 'localdesk.db'), { readonly: true });
    const rows = db.prepare('select id, sha256, size from attachments').all() as { id: string; sha256: string; size: number }[];
    db.close();
    expect(rows.map((r) => r.id)).toEqual([done.body.data.id]);
    for (const row of rows) {
      const bytes = readFileSync(join(dir, 'attachments', row.sha256.slice(0, 2), row.sha256));
      expect({ size: bytes.length, sha256: sha256(bytes) }).toEqual({ size: row.size, sha256: row.sha256 });
    }

    const second = await serve(dir, env);
    await eventually(() => storeContents(dir).temps.length === 0);
    const res = await fetch(`${second.url}/api/v1/attachments/${done.body.data.id}/content`, { headers: { 'X-API-Key': key } });
    expect(await res.text()).toBe('complete before the crash');
  });
});
