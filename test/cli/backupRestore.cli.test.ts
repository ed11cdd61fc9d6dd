// `localdesk backup` while the server runs, `localdesk restore` into a fresh folder: every
// attachment comes back with the same bytes.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../server/domain/apiKeys/keys.ts';
import { readTar } from '../helpers/archive.ts';
import { type Running, runCli, startServe } from '../helpers/cli.ts';
import { type AttachmentData, sha256, storeContents, tinyPng, uploadRaw } from '../helpers/attachments.ts';
import { apiClient } from '../helpers/server.ts';

const dirs: string[] = [];
const running: Running[] = [];
afterEach(async () => {
  for (const r of running.splice(0)) {
    r.child.kill('SIGTERM');
    await r.exited;
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'localdesk-restore-'));
  dirs.push(dir);
  return dir;
}

describe('localdesk backup and restore', () => {
  it('brings back the database and every file with the same hash in a fresh folder', async () => {
    const key = generateApiKey();
    const from = tempDir();
    const server = await startServe(from, { LOCALDESK_ADMIN_KEY: key });
    running.push(server);
    const api = apiClient(server.url, key);
    const contents = [tinyPng, Buffer.from('a log file\n'), randomBytes(300_000), Buffer.from('a log file\n')];
    const uploaded: AttachmentData[] = [];
    for (const [i, data] of contents.entries()) {
      const res = await uploadRaw(server.url, key, data, { name: `file-${i}.bin` });
      expect(res.status).toBe(201);
      uploaded.push(res.body.data);
    }
    const ticket = await api.post<{ id: string }>('/tickets', {
      subject: 'Files',
      description: 'See attached',
      contactEmail: 'backup@example.com',
      attachments: uploaded.slice(0, 2).map((a) => a.id),
    });
    expect(ticket.status).toBe(201);
    expect((await api.post(`/tickets/${ticket.body.data.id}/messages`, { body: 'more', attachments: [uploaded[2]!.id] })).status).toBe(201);
    // uploaded[3] stays an unattached upload: backed up too (it is a row like any other).

    const archive = join(tempDir(), 'backup.tar');
    const backedUp = await runCli(['backup', '--out', archive, '--data', from]);
    expect(backedUp).toMatchObject({ code: 0, stderr: '' });
    expect(backedUp.stdout).toContain('and 3 attachment file(s)'); // four uploads, three contents
    expect(statSync(archive).mode & 0o777).toBe(0o600);
    const entries = await readTar(archive);
    expect([...entries.keys()].sort()).toEqual(
      ['localdesk.json', 'localdesk.db', ...new Set(uploaded.map((a) => `attachments/${a.sha256.slice(0, 2)}/${a.sha256}`))].sort(),
    );
    expect(JSON.parse(entries.get('localdesk.json')!.toString())).toMatchObject({ format: 'localdesk-backup', version: 1, attachments: 3 });

    const to = join(tempDir(), 'restored');
    const restored = await runCli(['restore', archive, '--data', to]);
    expect(restored).toMatchObject({ code: 0, stderr: '' });
    expect(restored.stdout).toContain('and 3 attachment file(s)');
    expect(storeContents(to)).toEqual({ files: [...new Set(uploaded.map((a) => a.sha256))].sort(), temps: [] });

    const again = await startServe(to, { LOCALDESK_ADMIN_KEY: key });
    running.push(again);
    for (const [i, att] of uploaded.entries()) {
      const res = await fetch(`${again.url}/api/v1/attachments/${att.id}/content`, { headers: { 'X-API-Key': key } });
      expect(res.status).toBe(200);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(sha256(bytes)).toBe(att.sha256);
      expect(bytes).toEqual(contents[i]);
    }
    const thread = await apiClient(again.url, key).get<{ messages: { attachments: AttachmentData[] }[] }>(`/tickets/${ticket.body.data.id}`);
    expect(thread.body.data.messages.map((m) => m.attachments.map((a) => a.id))).toEqual([
      [uploaded[0]!.id, uploaded[1]!.id],
      [uploaded[2]!.id],
    ]);
  });

  it('refuses to restore over an existing database, and a file that is not a backup', async () => {
    const dir = tempDir();
    expect((await runCli(['keys', 'list', '--data', dir])).code).toBe(0); // creates the database
    const archive = join(tempDir(), 'b.tar');
    expect((await runCli(['backup', '--out', archive, '--data', dir])).code).toBe(0);
    const over = await runCli(['restore', archive, '--data', dir]);
    expect(over.code).toBe(1);
    expect(over.stderr).toContain('already exists');

    const notTar = join(tempDir(), 'x.tar');
    writeFileSync(notTar, 'hello');
    const bad = await runCli(['restore', notTar, '--data', join(tempDir(), 'fresh')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('not a LocalDesk');
    expect(readFileSync(notTar, 'utf8')).toBe('hello');
  });
});
