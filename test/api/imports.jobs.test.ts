// Import jobs as jobs: what a bad request, a refused credential, a second start of the same
// account, a cancel and an existing contact do, and that a dry run of a product's API reports
// exactly what the real run then does. (A restart of the server: imports.restart.test.ts.)
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportJobT } from '../../common/contract/imports.ts';
import { generateZendesk } from '../fixtures/import/generate.ts';
import { type ReplayServer, startReplayServer } from '../helpers/importReplay.ts';
import { runImportJob, snapshotDb, waitForImport } from '../helpers/imports.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';
import { onPostgres } from '../helpers/testDatabase.ts';

const auth = { email: 'admin@acme.example', token: 'zd-secret-token-123' };
const v1 = generateZendesk(1);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; ; await sleep(25)) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
}

describe('POST /api/v1/imports: bad requests', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(() => s.close());

  it('names what is wrong with the body', async () => {
    const cases: [unknown, string][] = [
      [{ source: 'zendesk', url: 'https://acme.zendesk.com', email: 'a@example.com' }, 'token'],
      [{ source: 'zendesk', url: 'ftp://acme', email: 'a@example.com', token: 't' }, 'url'],
      [{ source: 'zendesk', url: 'https://acme.zendesk.com', email: 'a@example.com', token: 't', password: 'x' }, ''],
      [{ source: 'freshdesk', url: 'https://acme.freshdesk.com' }, 'apiKey'],
      [{ source: 'jira', url: 'https://acme.atlassian.net' }, 'source'],
      [{ source: 'csv' }, 'fileId'],
    ];
    for (const [body, path] of cases) {
      const res = await s.api.post('/imports', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error?.code).toBe('BAD_REQUEST');
      expect(res.body.error?.details?.errors?.map((e) => e.path).join(' ')).toContain(path);
    }
  });

  it('is for admins only', async () => {
    const key = (await s.api.post<{ key: string }>('/api-keys', { name: 'agent', scopes: ['tickets:write', 'tickets:read'] })).body.data.key;
    expect((await s.api.post('/imports', { source: 'freshdesk', url: 'https://x.example', apiKey: 'k' }, { key })).status).toBe(403);
    expect((await s.api.get('/imports', { key })).status).toBe(403);
  });

  it('answers 404 for an unknown job', async () => {
    expect((await s.api.get('/imports/imp_01AAAAAAAAAAAAAAAAAAAAAAAA')).status).toBe(404);
    expect((await s.api.post('/imports/imp_01AAAAAAAAAAAAAAAAAAAAAAAA/cancel')).status).toBe(404);
  });
});

describe('import jobs against a product', () => {
  let s: TestServer;
  let replay: ReplayServer;
  const lines: string[] = [];
  beforeAll(async () => {
    s = await startTestServer({ logger: pino({ level: 'debug' }, { write: (line: string) => void lines.push(line) }) });
    replay = await startReplayServer({ source: 'zendesk', dataset: v1, auth });
  });
  afterAll(async () => {
    await replay.stop();
    await s.close();
  });

  it('fails a job whose credentials the product refuses, saying so, never showing them', async () => {
    const wrong = 'definitely-not-the-token';
    const job = await runImportJob(s.api, { source: 'zendesk', url: replay.url, email: auth.email, token: wrong });
    expect(job.status).toBe('failed');
    expect(job.failure).toMatchObject({ code: 'auth' });
    expect(job.failure?.message).toMatch(/credentials were refused/);
    expect(JSON.stringify(job)).not.toContain(wrong);
    expect(lines.join('\n')).not.toContain(wrong);
    expect(JSON.stringify(await s.db.selectFrom('imports').selectAll().execute())).not.toContain(wrong);
  });

  it('a dry run reports exactly what the real run then does, and changes nothing', async () => {
    const before = await snapshotDb(s.db);
    const dry = await runImportJob(s.api, { source: 'zendesk', url: replay.url, ...auth, dryRun: true });
    expect(dry).toMatchObject({ status: 'succeeded', dryRun: true });
    expect(await snapshotDb(s.db)).toEqual(before);
    // Its throwaway copy is gone: SQLite's file, PostgreSQL's scratch schema.
    const copies = onPostgres
      ? (await sql<{ name: string }>`select nspname as name from pg_namespace where nspname like 'ld_dry_run_%'`.execute(s.db)).rows
      : readdirSync(join(s.dataDir, 'imports')).filter((name) => name.startsWith('dry-run-'));
    expect(copies).toEqual([]);
    const real = await runImportJob(s.api, { source: 'zendesk', url: replay.url, ...auth });
    expect(real.status).toBe('succeeded');
    expect(real.counts).toEqual(dry.counts);
    expect(real.skippedReasons).toEqual(dry.skippedReasons);
    expect(real.counts.tickets.created).toBeGreaterThan(300);
  });
});

describe('a job that waits on the product', () => {
  let s: TestServer;
  let replay: ReplayServer;
  beforeAll(async () => {
    s = await startTestServer();
    // After 40 requests the product asks for 30 s of quiet: the job sits in the middle of its run.
    replay = await startReplayServer({ source: 'zendesk', dataset: v1, auth, rateLimit: { after: 40, retryAfterSeconds: 30 } });
  });
  afterAll(async () => {
    await replay.stop();
    await s.close();
  });

  it('shows the wait, refuses a second start of the same account, and can be cancelled', async () => {
    const started = await s.api.post<ImportJobT>('/imports', { source: 'zendesk', url: replay.url, ...auth });
    expect(started.status).toBe(201);
    const id = started.body.data.id;
    const waiting = await until('the wait', async () => {
      const job = (await s.api.get<ImportJobT>(`/imports/${id}`)).body.data;
      return job.progress.waiting ? job : null;
    });
    expect(waiting.status).toBe('running');
    expect(waiting.progress.waiting?.reason).toBe('retry-after');
    expect(Date.parse(waiting.progress.waiting!.until) - s.clock.now().getTime()).toBeGreaterThan(20_000);

    const second = await s.api.post('/imports', { source: 'zendesk', url: `${replay.url}/`, ...auth });
    expect(second.status).toBe(409);
    expect(second.body.error?.message).toContain(id);

    const cancelled = await s.api.post<ImportJobT>(`/imports/${id}/cancel`);
    expect(cancelled.body.data.status).toBe('cancelled');
    const after = await waitForImport(s.api, id, 5000);
    expect(after.status).toBe('cancelled');
    expect(after.counts.tickets.created).toBe((await s.api.get('/tickets?limit=1')).body.meta?.total);
  });
});

describe('records that are already here', () => {
  it('links a contact with the same e-mail instead of making a second one, and only fills in its blanks', async () => {
    const s = await startTestServer();
    try {
      const made = await s.api.post<{ id: string }>('/contacts', { email: 'anna.jansen@example.com', company: 'Kept Company' });
      expect(made.status).toBe(201);
      const res = await fetch(`${s.url}/api/v1/imports/files?name=one.csv`, { method: 'POST', headers: { 'X-API-Key': s.adminKey, 'Content-Type': 'text/csv' }, body: 'id,subject,email,name,company\nL1,Hello,Anna.Jansen@example.com,Anna Jansen,Acme\n' });
      const file = ((await res.json()) as { data: { id: string } }).data.id;
      const job = await runImportJob(s.api, { source: 'csv', fileId: file, mapping: { externalId: 'id', subject: 'subject', requesterEmail: 'email', requesterName: 'name', company: 'company' } });
      expect(job.counts.contacts).toMatchObject({ created: 0, linked: 1 });
      const contact = (await s.api.get<{ name: string; company: string }>(`/contacts/${made.body.data.id}`)).body.data;
      expect(contact).toMatchObject({ name: 'Anna Jansen', company: 'Kept Company' });
      expect((await s.api.get<{ contactId: string }[]>('/tickets?externalId=csv:L1')).body.data[0]?.contactId).toBe(made.body.data.id);
    } finally {
      await s.close();
    }
  });

  it('finds its rows again after an export and import into another desk: nothing duplicated, nothing refused', async () => {
    const from = await startTestServer();
    const to = await startTestServer();
    try {
      const csv = 'id,subject,email,body\nX1,One,x1@example.com,First\nX2,Two,x2@example.com,Second\n';
      const mapping = { externalId: 'id', subject: 'subject', requesterEmail: 'email', body: 'body' };
      const upload = async (server: TestServer) => {
        // The same file, changed at the same moment: its tickets (no created column) get that date.
        const res = await fetch(`${server.url}/api/v1/imports/files?name=x.csv&modifiedAt=2024-05-01T10:00:00.000Z`, { method: 'POST', headers: { 'X-API-Key': server.adminKey, 'Content-Type': 'text/csv' }, body: csv });
        return ((await res.json()) as { data: { id: string } }).data.id;
      };
      expect((await runImportJob(from.api, { source: 'csv', fileId: await upload(from), mapping })).counts.tickets.created).toBe(2);
      const dump = await (await fetch(`${from.url}/api/v1/export`, { headers: { 'X-API-Key': from.adminKey } })).text();
      const loaded = await fetch(`${to.url}/api/v1/import`, { method: 'POST', headers: { 'X-API-Key': to.adminKey, 'Content-Type': 'application/x-ndjson' }, body: dump });
      expect(loaded.status).toBe(200);
      const before = await snapshotDb(to.db, { skipTables: ['external_refs'] });
      const again = await runImportJob(to.api, { source: 'csv', fileId: await upload(to), mapping });
      expect(again.status).toBe('succeeded');
      for (const kind of Object.values(again.counts)) expect(kind).toMatchObject({ created: 0, updated: 0, refused: 0 });
      expect(await snapshotDb(to.db, { skipTables: ['external_refs'] })).toEqual(before);
    } finally {
      await from.close();
      await to.close();
    }
  });
});
