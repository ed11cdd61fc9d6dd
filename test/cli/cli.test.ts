import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../server/domain/apiKeys/keys.ts';
import { runCli, startServe } from '../helpers/cli.ts';

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'localdesk-cli-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const keyPattern = /^\s+(ldk_[0-9A-Za-z]{40})$/m;

describe('localdesk serve', () => {
  it('creates and prints an admin key once, on the first start only', async () => {
    const dir = dataDir();
    const first = await startServe(dir);
    const key = keyPattern.exec(first.stdout())?.[1];
    expect(key).toBeDefined();
    expect((await fetch(`${first.url}/health`)).status).toBe(200);
    const me = await fetch(`${first.url}/api/v1/users/me`, { headers: { 'X-API-Key': key ?? '' } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { data: { role: string } }).data.role).toBe('admin');
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    // A clean shutdown closes the database: SQLite folds the WAL back and removes it.
    expect(existsSync(join(dir, 'localdesk.db-wal'))).toBe(false);

    const second = await startServe(dir);
    expect(second.stdout()).not.toMatch(keyPattern);
    const again = await fetch(`${second.url}/api/v1/tickets`, { headers: { 'X-API-Key': key ?? '' } });
    expect(again.status).toBe(200);
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  });

  it('creates LOCALDESK_ADMIN_KEY if absent instead of a random key', async () => {
    const key = generateApiKey();
    const run = await startServe(dataDir(), { LOCALDESK_ADMIN_KEY: key });
    expect(run.stdout()).not.toMatch(keyPattern);
    expect(run.stdout()).toContain('LOCALDESK_ADMIN_KEY was added');
    const res = await fetch(`${run.url}/api/v1/tickets`, { headers: { Authorization: `Bearer ${key}` } });
    expect(res.status).toBe(200);
    run.child.kill('SIGTERM');
    await run.exited;
  });

  it('finishes a request in flight when asked to stop', async () => {
    const key = generateApiKey();
    const run = await startServe(dataDir(), { LOCALDESK_ADMIN_KEY: key });
    const body = JSON.stringify({ subject: 'late', description: 'arrives during shutdown', contactEmail: 'a@b.co' });
    const response = new Promise<number>((resolve, reject) => {
      const req = request(`${run.url}/api/v1/tickets`, {
        method: 'POST',
        headers: { 'X-API-Key': key, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write(body.slice(0, 10));
      setTimeout(() => {
        run.child.kill('SIGTERM');
        setTimeout(() => req.end(body.slice(10)), 300);
      }, 100);
    });
    expect(await response).toBe(201);
    expect(await run.exited).toBe(0);
  });

  it('keeps an acknowledged write when the process is killed right after', async () => {
    const key = generateApiKey();
    const dir = dataDir();
    const run = await startServe(dir, { LOCALDESK_ADMIN_KEY: key });
    const res = await fetch(`${run.url}/api/v1/tickets`, {
      method: 'POST',
      headers: { 'X-API-Key': key, 'Content-Type': 'application/json' },
      body: JSON.stringify({ subject: 'must survive', description: 'kill -9', contactEmail: 'k@b.co' }),
    });
    expect(res.status).toBe(201);
    const { data } = (await res.json()) as { data: { id: string } };
    run.child.kill('SIGKILL');
    await run.exited;
    const db = new BetterSqlite3(join(dir, 'localdesk.db'), { readonly: true });
    try {
      const row = db.prepare('select subject from tickets where id = ?').get(data.id) as { subject: string } | undefined;
      expect(row?.subject).toBe('must survive');
    } finally {
      db.close();
    }
  });

  it('fails fast, naming the variable, on a bad setting', async () => {
    const res = await runCli(['serve', '--data', dataDir()], { LOCALDESK_PORT: 'abc' });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('LOCALDESK_PORT');
    const flag = await runCli(['serve', '--data', dataDir(), '--port', '99999']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('--port');
    const unknown = await runCli(['serve', '--colour']);
    expect(unknown.code).toBe(2);
  });
});

describe('localdesk keys', () => {
  it('creates, lists and revokes keys on the data folder', async () => {
    const dir = dataDir();
    const created = await runCli(['keys', 'create', '--name', 'mail fetcher', '--scopes', 'tickets:write,contacts:read', '--data', dir]);
    expect(created.code, created.stderr).toBe(0);
    const key = /^(ldk_[0-9A-Za-z]{40})$/m.exec(created.stdout)?.[1];
    const id = /Created (key_[0-9A-Z]{26})/.exec(created.stdout)?.[1];
    expect(key).toBeDefined();
    expect(id).toBeDefined();

    const listed = await runCli(['keys', 'list', '--data', dir]);
    expect(listed.stdout).toContain('mail fetcher');
    expect(listed.stdout).toContain('[tickets:write,contacts:read]');
    expect(listed.stdout).not.toContain(key ?? 'x');

    const run = await startServe(dir);
    const ok = await fetch(`${run.url}/api/v1/contacts`, { headers: { 'X-API-Key': key ?? '' } });
    expect(ok.status).toBe(200);
    const revoked = await runCli(['keys', 'revoke', id ?? '', '--data', dir]);
    expect(revoked.code, revoked.stderr).toBe(0);
    const denied = await fetch(`${run.url}/api/v1/contacts`, { headers: { 'X-API-Key': key ?? '' } });
    expect(denied.status).toBe(401);
    run.child.kill('SIGTERM');
    await run.exited;
  });

  it('rejects unknown scopes and unknown key ids', async () => {
    const dir = dataDir();
    const bad = await runCli(['keys', 'create', '--name', 'x', '--scopes', 'tickets:delete', '--data', dir]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('tickets:delete');
    const missing = await runCli(['keys', 'revoke', 'key_01ARZ3NDEKTSV4RRFFQ69G5FAV', '--data', dir]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('not found');
  });
});
