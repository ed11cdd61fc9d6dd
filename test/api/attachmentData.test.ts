// Export and import carry attachments: an export archive holds the NDJSON and the files.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTar } from '../helpers/archive.ts';
import { type AttachmentData, sha256, storedContents, tinyPng, uploadRaw } from '../helpers/attachments.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';

let a: TestServer;
let files: AttachmentData[];
let ticketId: string;

beforeAll(async () => {
  a = await startTestServer();
  files = [];
  for (const [name, data] of [['shot.png', tinyPng], ['notes.txt', Buffer.from('notes')]] as const) {
    files.push((await uploadRaw(a.url, a.adminKey, data, { name })).body.data);
  }
  const res = await a.api.post<{ id: string }>('/tickets', {
    subject: 'Exported with files',
    description: 'two files',
    contactEmail: 'export@example.com',
    attachments: files.map((f) => f.id),
  });
  ticketId = res.body.data.id;
});
afterAll(() => a.close());

async function download(server: TestServer, query: string): Promise<Buffer> {
  const res = await fetch(`${server.url}/api/v1/export${query}`, { headers: { 'X-API-Key': server.adminKey } });
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

async function importBody(server: TestServer, body: Buffer, type: string) {
  const res = await fetch(`${server.url}/api/v1/import`, {
    method: 'POST',
    headers: { 'X-API-Key': server.adminKey, 'Content-Type': type },
    body: Uint8Array.from(body),
  });
  return { status: res.status, body: (await res.json()) as { data: { imported: Record<string, number> }; error: { message: string } | null } };
}

describe('GET /api/v1/export?format=tar and POST /api/v1/import', () => {
  it('exports an archive of the NDJSON and the files, which imports into an empty server', async () => {
    const archive = await download(a, '?format=tar');
    const path = join(a.dataDir, 'export.tar');
    writeFileSync(path, archive);
    const entries = await readTar(path);
    expect([...entries.keys()].sort()).toEqual(
      ['export.ndjson', 'localdesk.json', ...files.map((f) => `attachments/${f.sha256.slice(0, 2)}/${f.sha256}`)].sort(),
    );
    expect(entries.get('export.ndjson')!.toString()).toContain('"table":"message_attachments"');

    const b = await startTestServer();
    try {
      const res = await importBody(b, archive, 'application/x-tar');
      expect(res.status).toBe(200);
      expect(res.body.data.imported).toMatchObject({ attachments: 2, message_attachments: 2 });
      const thread = await b.api.get<{ messages: { attachments: AttachmentData[] }[] }>(`/tickets/${ticketId}`);
      expect(thread.body.data.messages[0]?.attachments).toEqual(files);
      for (const file of files) {
        const got = await fetch(`${b.url}/api/v1/attachments/${file.id}/content`, { headers: { 'X-API-Key': b.adminKey } });
        expect(sha256(Buffer.from(await got.arrayBuffer()))).toBe(file.sha256);
      }
      expect(await storedContents(b)).toEqual({ files: files.map((f) => f.sha256).sort(), temps: [] });
      // Again: nothing new, nothing left over.
      const again = await importBody(b, archive, 'application/x-tar');
      expect(again.status).toBe(200);
      expect(again.body.data.imported).toMatchObject({ attachments: 0 });
      expect((await storedContents(b)).temps).toEqual([]);
    } finally {
      await b.close();
    }
  });

  it('refuses a plain NDJSON whose attachments have no files here, and imports nothing', async () => {
    const ndjson = await download(a, '');
    const c = await startTestServer();
    try {
      const res = await importBody(c, ndjson, 'application/x-ndjson');
      expect(res.status).toBe(400);
      expect(res.body.error?.message).toContain('export archive');
      expect((await c.api.get(`/tickets/${ticketId}`)).status).toBe(404);
      expect(await storedContents(c)).toEqual({ files: [], temps: [] });
    } finally {
      await c.close();
    }
    // Into the folder that has the files, the plain NDJSON is fine (idempotent by id).
    expect((await importBody(a, ndjson, 'application/x-ndjson')).status).toBe(200);
  });

  it('refuses an archive whose file does not match its hash', async () => {
    const entries = await readTar(join(a.dataDir, 'export.tar'));
    const { pack } = await import('tar-stream');
    const p = pack();
    for (const [name, data] of entries) p.entry({ name }, name.startsWith('attachments/') ? Buffer.from('tampered') : data);
    p.finalize();
    const chunks: Buffer[] = [];
    for await (const chunk of p) chunks.push(chunk as Buffer);
    const d = await startTestServer();
    try {
      const res = await importBody(d, Buffer.concat(chunks), 'application/x-tar');
      expect(res.status).toBe(400);
      expect(res.body.error?.message).toContain('does not hash to its name');
      expect(await storedContents(d)).toEqual({ files: [], temps: [] });
    } finally {
      await d.close();
    }
  });
});
