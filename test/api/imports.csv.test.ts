// CSV through the API: upload the file, see its header, start an import with a column mapping
// (a dry run first), and what a bad file or mapping gets.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportFileT, ImportJobT } from '../../common/contract/imports.ts';
import type { TicketData } from '../helpers/factories.ts';
import { runImportJob, snapshotDb, waitForImport } from '../helpers/imports.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';

type Ticket = TicketData & { tags: string[]; externalId: string | null; description: string };
const fixtures = join(import.meta.dirname, '../fixtures/import/csv');
const sample = readFileSync(join(fixtures, 'tickets.csv'));
const mapping = JSON.parse(readFileSync(join(fixtures, 'mapping.json'), 'utf8')) as Record<string, unknown>;

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(() => s.close());

async function upload(body: string | Buffer, name = 'tickets.csv', contentType = 'text/csv') {
  const res = await fetch(`${s.url}/api/v1/imports/files?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { 'X-API-Key': s.adminKey, 'Content-Type': contentType },
    body: typeof body === 'string' ? body : Uint8Array.from(body),
  });
  return { status: res.status, body: (await res.json()) as { data: ImportFileT; error: { code: string; message: string } | null } };
}

describe('POST /api/v1/imports/files', () => {
  it('stores the file and shows its header and first rows, for the mapping', async () => {
    const res = await upload(sample);
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ name: 'tickets.csv', bytes: sample.length, delimiter: ';' });
    expect(res.body.data.id).toMatch(/^upl_/);
    expect(res.body.data.headers.slice(0, 3)).toEqual(['Issue key', 'Summary', 'Description']);
    expect(res.body.data.sample).toHaveLength(5);
    expect(res.body.data.sample[0]?.[0]).toBe('SUP-101');
  });

  it('refuses what is not a CSV file: another content type, nothing, bytes that are not UTF-8', async () => {
    expect((await upload('a,b\n', 'x.csv', 'application/json')).status).toBe(415);
    expect((await upload('', 'x.csv')).body.error?.message).toMatch(/empty/);
    const latin1 = await upload(Buffer.from([0x61, 0x0a, 0x63, 0x61, 0x66, 0xe9, 0x0a]), 'latin1.csv');
    expect(latin1.status).toBe(400);
    expect(latin1.body.error?.message).toMatch(/not UTF-8/);
    expect((await upload('a\n', 'dir/x.csv')).status).toBe(400);
  });

  it('is documented as a raw CSV body in the OpenAPI document', async () => {
    const doc = (await s.api.get<never>('/openapi.json', { key: null })).body as unknown as {
      paths: Record<string, Record<string, { requestBody: { content: Record<string, unknown> } }>>;
    };
    expect(Object.keys(doc.paths['/api/v1/imports/files']?.post?.requestBody.content ?? {})).toContain('text/csv');
    expect(Object.keys(doc.paths['/api/v1/imports']?.post?.requestBody.content ?? {})).toEqual(['application/json']);
  });

  it('needs an admin key', async () => {
    const key = await s.api.post<{ key: string }>('/api-keys', { name: 'agent', scopes: ['tickets:write'] });
    const res = await fetch(`${s.url}/api/v1/imports/files?name=a.csv`, { method: 'POST', headers: { 'X-API-Key': key.body.data.key, 'Content-Type': 'text/csv' }, body: 'a\n' });
    expect(res.status).toBe(403);
  });
});

describe('POST /api/v1/imports (csv)', () => {
  let file: ImportFileT;
  let dry: ImportJobT;
  let real: ImportJobT;
  let before: Record<string, unknown[]>;
  beforeAll(async () => {
    file = (await upload(sample)).body.data;
    before = await snapshotDb(s.db);
    dry = await runImportJob(s.api, { source: 'csv', fileId: file.id, mapping, dryRun: true });
  });

  it('a dry run reports what it would do and changes nothing', async () => {
    expect(dry).toMatchObject({ status: 'succeeded', dryRun: true });
    expect(dry.counts.tickets.created).toBe(10);
    expect(await snapshotDb(s.db)).toEqual(before);
  });

  it('the real run does what the dry run said', async () => {
    real = await runImportJob(s.api, { source: 'csv', fileId: file.id, mapping });
    expect(real.status).toBe('succeeded');
    expect(real.counts).toEqual(dry.counts);
    expect(real.errors).toEqual(dry.errors);
    expect(real.counts.contacts.created).toBe(9);
    expect(real.counts.users.created).toBe(3);
    expect(real.counts.messages.created).toBe(10);
  });

  it('maps the columns: status values, dates in the file\'s zone, tags, assignee, HTML', async () => {
    const t = (await s.api.get<Ticket[]>('/tickets?externalId=csv:SUP-101')).body.data[0];
    expect(t).toMatchObject({ subject: 'Printer on floor 2 is offline', status: 'pending', priority: 'medium', tags: ['hardware', 'printer'], createdAt: '2024-02-03T08:15:00.000Z', updatedAt: '2024-02-03T10:40:00.000Z', contactEmail: 'anna.jansen@example.com' });
    expect(t?.assignedTo).toMatch(/^usr_/);
    const html = (await s.api.get<Ticket[]>('/tickets?externalId=csv:SUP-104')).body.data[0];
    expect(html?.description).toBe('Hi team,\n\nsee the status page (https://status.example.com).');
    expect((await s.api.get<Ticket[]>('/tickets?externalId=csv:SUP-106')).body.data[0]).toMatchObject({ status: 'open', priority: 'urgent' });
  });

  it('a dry run after the real one reports that nothing would change', async () => {
    const again = await runImportJob(s.api, { source: 'csv', fileId: file.id, mapping, dryRun: true, full: true });
    expect(again.counts.tickets).toMatchObject({ created: 0, updated: 0, skipped: 10 });
  });

  it('refuses a mapping that names a column the file does not have, before starting', async () => {
    const res = await s.api.post('/imports', { source: 'csv', fileId: file.id, mapping: { subject: 'Title' } });
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toMatch(/column "Title" for subject, but the header has "Issue key"/);
    const bad = await s.api.post('/imports', { source: 'csv', fileId: file.id, mapping: { subject: 'Summary', colour: 'red' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.details?.errors?.[0]?.path).toMatch(/mapping/);
  });

  it('refuses an unknown file id', async () => {
    const res = await s.api.post('/imports', { source: 'csv', fileId: 'upl_01AAAAAAAAAAAAAAAAAAAAAAAA' });
    expect(res.status).toBe(400);
    expect(res.body.error?.details?.errors?.[0]?.path).toBe('fileId');
  });

  it('fails the job, with the line, on a value the mapping does not cover', async () => {
    const odd = await upload('id,subject,status\nA1,Hello,open\nA2,World,frozen\n', 'odd.csv');
    const job = await runImportJob(s.api, { source: 'csv', fileId: odd.body.data.id, mapping: { externalId: 'id', subject: 'subject', status: 'status' } });
    expect(job.status).toBe('failed');
    expect(job.failure).toMatchObject({ code: 'input' });
    expect(job.failure?.message).toMatch(/line 3: status "frozen" is not mapped/);
    // What came before the bad line is in, and a corrected file continues after it.
    expect(job.counts.tickets.created).toBe(1);
  });

  it('refuses a record the API would refuse, with the reason, and imports the rest', async () => {
    const long = 'x'.repeat(301);
    const odd = await upload(`id,subject,body,requesterEmail\nB1,${long},Too long a subject,b1@example.com\nB2,Fine,Fine too,b2@example.com\nB3,Bad address,Hi,not an address\n`, 'refusals.csv');
    const job = await runImportJob(s.api, { source: 'csv', fileId: odd.body.data.id, mapping: { externalId: 'id', subject: 'subject', body: 'body', requesterEmail: 'requesterEmail' } });
    expect(job.status).toBe('succeeded');
    expect(job.counts.tickets).toMatchObject({ created: 2, refused: 1 });
    expect(job.errors).toEqual([{ kind: 'tickets', externalId: 'B1', reason: expect.stringMatching(/^subject: .*300/) }]);
    expect((await s.api.get('/tickets?externalId=csv:B1')).body.meta?.total).toBe(0);
    expect((await s.api.get('/tickets?externalId=csv:B2')).body.meta?.total).toBe(1);
  });

  it('can be cancelled while queued, and then is final', async () => {
    const big = await upload(`id,subject\n${Array.from({ length: 3000 }, (_, i) => `C${i},Subject ${i}`).join('\n')}\n`, 'big.csv');
    const started = await s.api.post<ImportJobT>('/imports', { source: 'csv', fileId: big.body.data.id, mapping: { externalId: 'id', subject: 'subject' } });
    expect(started.status).toBe(201);
    const cancelled = await s.api.post<ImportJobT>(`/imports/${started.body.data.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.data.status).toBe('cancelled');
    const after = await waitForImport(s.api, started.body.data.id);
    expect(after.status).toBe('cancelled');
    expect(after.counts.tickets.created).toBeLessThan(3000);
    const again = await s.api.post(`/imports/${started.body.data.id}/cancel`);
    expect(again.status).toBe(409);
  });
});
