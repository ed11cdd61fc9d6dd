// `localdesk migrate`, the real command: an install made on SQLite (seeded, then used through
// the API) copied to an empty PostgreSQL database, then served from there. Both servers answer
// the same for the same ids, the feed keeps its order, and the copy goes on where it left off.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../server/domain/apiKeys/keys.ts';
import { sha256, uploadRaw } from '../helpers/attachments.ts';
import { type Running, runCli, startServe } from '../helpers/cli.ts';
import { type ApiClient, apiClient } from '../helpers/server.ts';
import { createTestDatabase, dropTestDatabase } from '../helpers/testDatabase.ts';

const key = generateApiKey();
let dir: string;
let url: string;
let ticketId: string;
let attachmentId: string;
let mailboxId: string;
// More than one chunk (1 MiB) once in the database.
const file = randomBytes(1536 * 1024);
const running: Running[] = [];

async function serve(env: Record<string, string> = {}): Promise<ApiClient> {
  const run = await startServe(dir, { LOCALDESK_ADMIN_KEY: key, ...env });
  running.push(run);
  return apiClient(run.url, key);
}

async function stopAll(): Promise<void> {
  for (const run of running.splice(0)) {
    run.child.kill('SIGTERM');
    await run.exited;
  }
}

interface Listed {
  id: string;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'localdesk-migrate-'));
  url = await createTestDatabase();
  expect((await runCli(['seed', '--tickets', '300', '--messages-per-ticket', '3', '--data', dir])).code).toBe(0);
  // Then used through the API: everything a real install has besides tickets.
  const api = await serve();
  const post = async (path: string, body: unknown) => {
    const res = await api.post<{ id: string }>(path, body);
    if (res.status !== 201 && res.status !== 200) throw new Error(`${path}: ${res.status} ${res.text}`);
    return res.body.data;
  };
  const upload = await uploadRaw(running.at(-1)?.url ?? '', key, file, { name: 'moving.bin' });
  if (upload.status !== 201) throw new Error(`upload: ${upload.status}`);
  attachmentId = upload.body.data.id;
  const ticket = await post('/tickets', { subject: 'Made before the move', description: 'on SQLite', contactEmail: 'mover@example.com', tags: ['moving'], attachments: [attachmentId] });
  ticketId = ticket.id;
  await post(`/tickets/${ticket.id}/messages`, { body: 'a reply before the move' });
  const conversation = await post('/conversations', { channel: 'chat', participantEmail: 'chat@example.com', subject: 'Chatty', body: 'hello' });
  await post(`/conversations/${conversation.id}/ticket`, { priority: 'high' });
  await post('/webhooks', { url: 'https://hooks.example/in', events: ['ticket.*'], active: false });
  await post('/workflows', { name: 'Tag it', trigger: 'custom.moved', conditions: [], actions: [{ type: 'add_tag', value: 'x' }], active: false });
  await post('/events', { type: 'custom.moved', data: { note: 'feed history' } });
  await post('/views', { name: 'Mine', filters: { assignedTo: 'me' } });
  const mailbox = await post('/mailboxes', {
    name: 'Paused support',
    address: 'support@moving.example',
    imap: { host: '127.0.0.1', port: 993, secure: true, user: 'support@moving.example', password: 'imap-pass' },
    smtp: { host: '127.0.0.1', port: 465, secure: true, user: 'support@moving.example', password: 'smtp-pass' },
    active: false,
  });
  mailboxId = mailbox.id;
  await stopAll();
});

afterAll(async () => {
  await stopAll();
  if (url) await dropTestDatabase(url).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
});

describe('localdesk migrate --to postgres://…', () => {
  it('refuses without a PostgreSQL URL, naming what it needs', async () => {
    const res = await runCli(['migrate', '--from', dir]);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/migrate needs --to postgres:\/\//);
  });

  it('copies the install and checks every table, then the copy serves the same answers', async () => {
    const res = await runCli(['migrate', '--from', dir, '--to', url]);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^ {2}tickets +302 rows$/m);
    expect(res.stdout).toMatch(/every table's count matches the source, every attachment file is in/);
    expect(res.stdout).toMatch(new RegExp(`^ {2}attachment files +1 files, ${file.length} bytes$`, 'm'));
    expect(res.stdout).not.toContain(new URL(url).password);

    const [onSqlite, onPostgres] = [await serve(), await serve({ LOCALDESK_DATABASE_URL: url })];
    // Totals of every list, and of a search.
    for (const path of ['/tickets', '/tickets?status=open', '/contacts', '/conversations', '/events', '/users',
      '/api-keys', '/tags', '/projects', '/webhooks', '/workflows', '/views', '/mailboxes', '/tickets?search=kangaroo']) {
      const [one, two] = [await onSqlite.get<Listed[]>(path), await onPostgres.get<Listed[]>(path)];
      expect(two.status, path).toBe(200);
      expect(two.body.meta?.total, path).toBe(one.body.meta?.total);
    }
    // The same tickets, thread and all, for a sample of ids across the install.
    const ids: string[] = [ticketId];
    for (const offset of [0, 60, 120, 180, 240, 290]) {
      ids.push(...(await onSqlite.get<Listed[]>(`/tickets?limit=5&offset=${offset}`)).body.data.map((t) => t.id));
    }
    for (const id of ids) {
      const [one, two] = [await onSqlite.get(`/tickets/${id}`), await onPostgres.get(`/tickets/${id}`)];
      expect(two.body, id).toEqual(one.body);
    }
    // The mailbox, its sealed passwords readable with the data folder's secret.key.
    const [boxOne, boxTwo] = [await onSqlite.get(`/mailboxes/${mailboxId}`), await onPostgres.get(`/mailboxes/${mailboxId}`)];
    expect(boxTwo.status).toBe(200);
    expect(boxTwo.body).toEqual(boxOne.body);
    // Nothing listens on 127.0.0.1:993 here: the check gets as far as connecting, so the
    // passwords were opened.
    const check = await onPostgres.post<{ imap: { stage: string; error: string } }>(`/mailboxes/${mailboxId}/test`);
    expect(check.body.data.imap).toMatchObject({ stage: 'connect' });
    expect(check.body.data.imap.error).not.toMatch(/secret\.key/);
    // The attachment's bytes are served from the database now (any node can serve them).
    const content = await fetch(`${running.at(-1)?.url ?? ''}/api/v1/attachments/${attachmentId}/content`, { headers: { 'X-API-Key': key } });
    expect(content.status).toBe(200);
    expect(sha256(Buffer.from(await content.arrayBuffer()))).toBe(sha256(file));
    // The feed in the same order, the same events.
    const feed = async (api: ApiClient) => (await api.get<Listed[]>('/events?sortOrder=asc&limit=100')).body.data.map((e) => e.id);
    expect(await feed(onPostgres)).toEqual(await feed(onSqlite));

    // It goes on from there: the next ticket takes the next number.
    const newest = (await onPostgres.get<{ number: number }[]>('/tickets?limit=1')).body.data[0]?.number ?? 0;
    const next = await onPostgres.post<{ number: number }>('/tickets', { subject: 'After the move', description: 'on PostgreSQL', contactEmail: 'mover@example.com' });
    expect(next.status).toBe(201);
    expect(next.body.data.number).toBe(newest + 1);
    await stopAll();
  });

  it('refuses to copy into a database that already holds data', async () => {
    const res = await runCli(['migrate', '--from', dir, '--to', url]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/already holds data.*empty database/);
  });
});
