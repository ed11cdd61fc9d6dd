// Files nobody references any more are deleted from the store, and uploads never attached expire.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildTicket } from '../helpers/factories.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';
import { eventually, putStrayContent, storedContents, uploadRaw } from '../helpers/attachments.ts';

let s: TestServer | null = null;
afterEach(async () => {
  await s?.close();
  s = null;
});

/** A server that deletes orphaned files at once (no grace) and sweeps often. */
function collectingServer(dataDir?: string) {
  return startTestServer({ dataDir, config: { attachmentOrphanGraceMs: 0, attachmentSweepMs: 50 } });
}

async function attach(server: TestServer, ticketId: string, text: string) {
  const att = (await uploadRaw(server.url, server.adminKey, text, { name: 'log.txt', type: 'text/plain' })).body.data;
  const res = await server.api.post(`/tickets/${ticketId}/messages`, { body: 'file', attachments: [att.id] });
  expect(res.status).toBe(201);
  return att;
}

describe('attachment collection', () => {
  it("deletes a ticket's files when the ticket is deleted, but keeps content another ticket still uses", async () => {
    s = await collectingServer();
    const doomed = await buildTicket(s.api);
    const kept = await buildTicket(s.api);
    const only = await attach(s, doomed.id, 'only on the deleted ticket');
    const shared = await attach(s, doomed.id, 'on both tickets');
    const sharedCopy = await attach(s, kept.id, 'on both tickets');
    expect((await storedContents(s)).files).toEqual([only.sha256, shared.sha256].sort());

    expect((await s.api.delete(`/tickets/${doomed.id}`)).status).toBe(204);
    await eventually(async () => !(await storedContents(s!)).files.includes(only.sha256));
    expect((await storedContents(s)).files).toEqual([shared.sha256]);
    expect((await s.api.get(`/attachments/${only.id}`)).status).toBe(404);
    expect((await s.api.get(`/attachments/${shared.id}`)).status).toBe(404);
    const stillThere = await fetch(`${s.url}/api/v1/attachments/${sharedCopy.id}/content`, { headers: { 'X-API-Key': s.adminKey } });
    expect(await stillThere.text()).toBe('on both tickets');
    // Nothing is left to do: the queue of contents to look at is empty.
    expect(await s.db.selectFrom('attachment_orphans').selectAll().execute()).toEqual([]);
  });

  it('keeps a deleted content for the grace period (a backup in another process may still copy it)', async () => {
    s = await startTestServer({ config: { attachmentSweepMs: 50 } }); // default grace: an hour
    const ticket = await buildTicket(s.api);
    const att = await attach(s, ticket.id, 'graceful');
    await s.api.delete(`/tickets/${ticket.id}`);
    await eventually(async () => (await s!.db.selectFrom('attachment_orphans').select('queued_at').executeTakeFirst()) !== undefined);
    await new Promise((r) => setTimeout(r, 200));
    expect((await storedContents(s)).files).toEqual([att.sha256]);
    s.clock.advanceMinutes(61);
    await eventually(async () => (await storedContents(s!)).files.length === 0);
  });

  it('expires an upload never put on a message after 24 hours', async () => {
    s = await collectingServer();
    const fresh = (await uploadRaw(s.url, s.adminKey, 'unused', { name: 'unused.txt' })).body.data;
    const used = await attach(s, (await buildTicket(s.api)).id, 'used');
    s.clock.advanceMinutes(23 * 60);
    await new Promise((r) => setTimeout(r, 200));
    expect((await s.api.get(`/attachments/${fresh.id}`)).status).toBe(200);
    s.clock.advanceMinutes(61);
    await eventually(async () => (await s!.api.get(`/attachments/${fresh.id}`)).status === 404);
    await eventually(async () => !(await storedContents(s!)).files.includes(fresh.sha256));
    expect((await s.api.get(`/attachments/${used.id}`)).status).toBe(200);
    const events = await s.api.get<{ resourceId: string }[]>('/events?type=attachment.deleted');
    expect(events.body.data.map((e) => e.resourceId)).toEqual([fresh.id]);
  });

  it('removes at start what a crash left: temp files of dead processes and files no row names', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'localdesk-collect-'));
    s = await collectingServer(dataDir);
    const ticket = await buildTicket(s.api);
    const kept = await attach(s, ticket.id, 'referenced');
    const root = join(dataDir, 'attachments');
    // Content stored by a transaction that never committed, and a dead process's temp.
    await putStrayContent(s, 'stray');
    writeFileSync(join(root, 'incoming', '999999-00000000-0000-4000-8000-000000000000.part'), 'half');
    // A temp of another live process (vitest's main process) is an upload under way elsewhere:
    // left alone. (This server runs in this very process, whose pid marks its own leftovers.)
    const live = `${process.ppid}-11111111-1111-4111-8111-111111111111.part`;
    writeFileSync(join(root, 'incoming', live), 'under way');
    await s.close();
    s = await collectingServer(dataDir);
    await eventually(async () => {
      const { files, temps } = await storedContents(s!);
      return files.length === 1 && temps.length === 1;
    });
    expect(await storedContents(s)).toEqual({ files: [kept.sha256], temps: [live] });
    await s.close();
    s = null;
    rmSync(dataDir, { recursive: true, force: true });
  });
});
