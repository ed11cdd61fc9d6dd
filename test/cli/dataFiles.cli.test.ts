// The data folder as the real `localdesk` command leaves it: private whatever the umask, and
// never holding something that looks like a backup but is not one.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../server/domain/apiKeys/keys.ts';
import { binPath, runCli } from '../helpers/cli.ts';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'localdesk-files-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

interface Served {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

/** `localdesk serve` started by a shell with this umask (a umask cannot be set in a test worker). */
function serveWithUmask(umask: string, dataDir: string, env: Record<string, string>): Promise<Served> {
  const child = spawn('/bin/sh', ['-c', `umask ${umask} && exec "${process.execPath}" "${binPath}" serve --data "${dataDir}" --port 0`], {
    env: { ...process.env, LOCALDESK_LOG_LEVEL: 'silent', LOCALDESK_RATE_LIMIT: '1000000', ...env },
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  cleanups.push(async () => {
    child.kill('SIGKILL');
    await exited;
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 30_000);
    child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const match = /is running at (http:\/\/\S+)/.exec(out);
      if (match?.[1] && out.includes('\n\n')) {
        clearTimeout(timer);
        resolve({ child, url: match[1], exited });
      }
    });
    void exited.then((code) => reject(new Error(`serve exited with ${code}: ${out}`)));
  });
}

const mode = (path: string) => (statSync(path).mode & 0o777).toString(8);

async function kill9(served: Served): Promise<void> {
  served.child.kill('SIGKILL');
  await served.exited;
}

describe('file permissions', () => {
  for (const umask of ['000', '022']) {
    it(`keeps the data folder 0700 and the database, its WAL, backups and exports 0600 under umask ${umask}`, async () => {
      const dataDir = join(tempDir(), 'data');
      const key = generateApiKey();
      const served = await serveWithUmask(umask, dataDir, { LOCALDESK_ADMIN_KEY: key });
      const backup = await fetch(`${served.url}/api/v1/admin/backup`, { method: 'POST', headers: { 'X-API-Key': key } });
      expect(backup.status).toBe(201);
      const { path } = ((await backup.json()) as { data: { path: string } }).data;
      expect(mode(dataDir)).toBe('700');
      for (const file of ['localdesk.db', 'localdesk.db-wal', 'localdesk.db-shm']) expect(mode(join(dataDir, file)), file).toBe('600');
      expect(mode(join(dataDir, 'backups'))).toBe('700');
      expect(mode(path)).toBe('600');
      await kill9(served);

      const out = join(tempDir(), 'copy.db');
      const cli = await runCliWithUmask(umask, ['backup', '--out', out, '--data', dataDir]);
      expect(cli.code, cli.stderr).toBe(0);
      expect(mode(out)).toBe('600');
      const exported = join(tempDir(), 'export.ndjson');
      expect((await runCliWithUmask(umask, ['export', '--out', exported, '--data', dataDir])).code).toBe(0);
      expect(mode(exported)).toBe('600');
    });
  }

  it('tightens an existing data folder and database that were readable by others', async () => {
    const dataDir = join(tempDir(), 'data');
    const first = await runCli(['keys', 'list', '--data', dataDir]);
    expect(first.code).toBe(0);
    chmodSync(dataDir, 0o755);
    chmodSync(join(dataDir, 'localdesk.db'), 0o644);
    const served = await serveWithUmask('022', dataDir, { LOCALDESK_ADMIN_KEY: generateApiKey() });
    expect(mode(dataDir)).toBe('700');
    expect(mode(join(dataDir, 'localdesk.db'))).toBe('600');
    await kill9(served);
  });
});

function runCliWithUmask(umask: string, args: string[]) {
  return new Promise<{ code: number | null; stderr: string }>((resolve) => {
    const child = spawn('/bin/sh', ['-c', `umask ${umask} && exec "${process.execPath}" "${binPath}" ${args.map((a) => `"${a}"`).join(' ')}`], {
      env: { ...process.env, LOCALDESK_LOG_LEVEL: 'silent' },
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

/** Polls until `found` returns something (every 2 ms, up to `timeoutMs`). */
async function poll<T>(found: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = found();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

describe('a process killed in the middle of writing a file', () => {
  it('leaves no file named like a backup, and the next start clears the unfinished one', async () => {
    const dataDir = join(tempDir(), 'data');
    const seeded = await runCli(['seed', '--tickets', '20000', '--messages-per-ticket', '3', '--data', dataDir]);
    expect(seeded.code, seeded.stderr).toBe(0);
    const key = generateApiKey();
    const served = await serveWithUmask('022', dataDir, { LOCALDESK_ADMIN_KEY: key });
    const backups = join(dataDir, 'backups');
    void fetch(`${served.url}/api/v1/admin/backup`, { method: 'POST', headers: { 'X-API-Key': key } }).catch(() => undefined);
    // The moment anything appears in the backups folder, the server dies.
    const seen = await poll(() => (existsSync(backups) && readdirSync(backups).length > 0 ? readdirSync(backups) : undefined));
    await kill9(served);
    const left = readdirSync(backups);
    expect(left.filter((name) => name.endsWith('.tar')), `seen ${seen.join(', ')}; left ${left.join(', ')}`).toEqual([]);

    const again = await serveWithUmask('022', dataDir, { LOCALDESK_ADMIN_KEY: key });
    expect(readdirSync(backups), `left ${left.join(', ')}`).toEqual([]);
    const complete = await fetch(`${again.url}/api/v1/admin/backup`, { method: 'POST', headers: { 'X-API-Key': key } });
    expect(complete.status).toBe(201);
    expect(readdirSync(backups).filter((name) => name.endsWith('.tar'))).toHaveLength(1);
    expect(readdirSync(backups).filter((name) => name.endsWith('.part'))).toEqual([]);
    await kill9(again);
  });

  it('clears the spool of an import that was cut off at the next start', async () => {
    const dataDir = join(tempDir(), 'data');
    const key = generateApiKey();
    const served = await serveWithUmask('022', dataDir, { LOCALDESK_ADMIN_KEY: key });
    const { port } = new URL(served.url);
    // An import whose body keeps coming: the server spools it to the data folder meanwhile.
    const upload = request({
      host: '127.0.0.1',
      port: Number(port),
      method: 'POST',
      path: '/api/v1/import',
      headers: { 'X-API-Key': key, 'Content-Type': 'application/x-ndjson', 'Transfer-Encoding': 'chunked' },
    });
    upload.on('error', () => undefined);
    upload.write(`${JSON.stringify({ format: 'localdesk-export', version: 1, exportedAt: '2026-01-01T00:00:00.000Z' })}\n`);
    upload.write('x'.repeat(1024 * 1024));
    const spool = await poll(() => readdirSync(dataDir).find((name) => name.startsWith('import-')));
    expect(spool).toMatch(/^import-.*\.part$/);
    await kill9(served);
    upload.destroy();
    expect(readdirSync(dataDir)).toContain(spool);

    const again = await serveWithUmask('022', dataDir, { LOCALDESK_ADMIN_KEY: key });
    expect(readdirSync(dataDir).filter((name) => name.startsWith('import-'))).toEqual([]);
    await kill9(again);
  });

  it('leaves files it does not own alone', async () => {
    const dataDir = join(tempDir(), 'data');
    mkdirSync(join(dataDir, 'backups'), { recursive: true });
    writeFileSync(join(dataDir, 'backups', 'my-notes.txt'), 'keep me');
    writeFileSync(join(dataDir, 'important.part'), 'keep me too');
    const served = await serveWithUmask('022', dataDir, { LOCALDESK_ADMIN_KEY: generateApiKey() });
    expect(readdirSync(join(dataDir, 'backups'))).toEqual(['my-notes.txt']);
    expect(readdirSync(dataDir)).toContain('important.part');
    await kill9(served);
  });
});
