// Import jobs across a restart of the server: a product's job is marked interrupted, a CSV job
// continues by itself. SQLITE ONLY (vitest.config.ts): recovery at start decides by process ids,
// which mean nothing to servers sharing a PostgreSQL database; there an unfinished job is left
// as it is for an admin to cancel and start again (server/background/imports.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImportJobT } from '../../common/contract/imports.ts';
import { generateZendesk, zendeskIds } from '../fixtures/import/generate.ts';
import { startReplayServer } from '../helpers/importReplay.ts';
import { runImportJob, waitForImport } from '../helpers/imports.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';

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

describe('a restart in the middle of a job', () => {
  it('marks a product import interrupted; starting it again continues where it stopped', async () => {
    // The product asks for 10 s of quiet mid-run; the server stops during it.
    const replay = await startReplayServer({ source: 'zendesk', dataset: v1, auth, rateLimit: { after: 60, retryAfterSeconds: 10 } });
    const dataDir = mkdtempSync(join(tmpdir(), 'localdesk-restart-'));
    const first = await startTestServer({ dataDir });
    let second: TestServer | null = null;
    try {
      const id = (await first.api.post<ImportJobT>('/imports', { source: 'zendesk', url: replay.url, ...auth })).body.data.id;
      await until('the wait', async () => (await first.api.get<ImportJobT>(`/imports/${id}`)).body.data.progress.waiting);
      const before = (await first.api.get<ImportJobT>(`/imports/${id}`)).body.data;
      await first.close().catch(() => undefined);
      second = await startTestServer({ dataDir });
      const interrupted = await waitForImport(second.api, id);
      expect(interrupted.status).toBe('failed');
      expect(interrupted.failure?.code).toBe('interrupted');
      // What it had read before the stop was committed with its cursor.
      expect(interrupted.counts.tickets.created).toBeGreaterThanOrEqual(before.counts.tickets.created);
      expect((await second.api.get('/tickets?limit=1')).body.meta?.total).toBe(interrupted.counts.tickets.created);

      const again = await runImportJob(second.api, { source: 'zendesk', url: replay.url, ...auth });
      expect(again.status).toBe('succeeded');
      const live = v1.tickets.filter((t) => t.status !== 'deleted').length;
      expect(interrupted.counts.tickets.created).toBeGreaterThan(0);
      expect(interrupted.counts.tickets.created + again.counts.tickets.created).toBe(live);
      expect((await second.api.get('/tickets?limit=1')).body.meta?.total).toBe(live);
      expect((await second.api.get(`/tickets?externalId=zendesk:${zendeskIds.ticket(0)}`)).body.meta?.total).toBe(1);
    } finally {
      await second?.close();
      await replay.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('continues a CSV import by itself: its file is still there', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'localdesk-restart-'));
    const first = await startTestServer({ dataDir });
    let second: TestServer | null = null;
    try {
      const rows = Array.from({ length: 3000 }, (_, i) => `R${i},Subject ${i},r${i % 50}@example.com`).join('\n');
      const res = await fetch(`${first.url}/api/v1/imports/files?name=restart.csv`, { method: 'POST', headers: { 'X-API-Key': first.adminKey, 'Content-Type': 'text/csv' }, body: `id,subject,email\n${rows}\n` });
      const file = ((await res.json()) as { data: { id: string } }).data.id;
      const id = (await first.api.post<ImportJobT>('/imports', { source: 'csv', fileId: file, mapping: { externalId: 'id', subject: 'subject', requesterEmail: 'email' } })).body.data.id;
      await until('the first batches', async () => (await first.api.get<ImportJobT>(`/imports/${id}`)).body.data.progress.ticketsDone > 0);
      await first.close().catch(() => undefined);
      second = await startTestServer({ dataDir });
      const done = await waitForImport(second.api, id, 60_000);
      expect(done.status).toBe('succeeded');
      expect((await second.api.get('/tickets?limit=1')).body.meta?.total).toBe(3000);
    } finally {
      await second?.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
