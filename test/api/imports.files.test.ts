// The files of imported messages, against a replay of Zendesk's API over real HTTP: each comes
// in on its message byte for byte, is downloaded once, and a file the product will not give (or
// one over the size limit) is refused with its reason, keeps its details, and comes in on a later
// run once it can.
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { generateZendesk, ODD, zendeskIds } from '../fixtures/import/generate.ts';
import { type ReplayServer, startReplayServer } from '../helpers/importReplay.ts';
import { runImportJob } from '../helpers/imports.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';

type Json = Record<string, unknown>;
interface Attachment { id: string; name: string; size: number; contentType: string; sha256: string }
interface Message { id: string; attachments: Attachment[] }
interface Ticket { id: string; messages: Message[] }

const auth = { email: 'admin@acme.example', token: 'zd-secret-token-123' };
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let s: TestServer | undefined;
let replay: ReplayServer | undefined;
afterEach(async () => {
  await replay?.stop();
  await s?.close();
  replay = s = undefined;
});

async function start(config: Json = {}) {
  const dataset = generateZendesk(1);
  s = await startTestServer({ config });
  replay = await startReplayServer({ source: 'zendesk', dataset, auth });
  return { server: s, replay, dataset };
}

/** The comments of the fixture's ticket with files, each with the bytes the product serves. */
function sourceFiles(dataset: ReturnType<typeof generateZendesk>) {
  const comments = dataset.comments[String(zendeskIds.ticket(ODD.attachments))] as Json[];
  return comments.map((c) =>
    (c.attachments as Json[]).map((a) => {
      const path = new URL(a.content_url as string).pathname + new URL(a.content_url as string).search;
      return { name: a.file_name as string, contentType: a.content_type as string, path, bytes: dataset.files[path]!.bytes };
    }),
  );
}

async function importedThread(server: TestServer): Promise<Ticket> {
  const listed = await server.api.get<{ id: string }[]>(`/tickets?externalId=zendesk:${zendeskIds.ticket(ODD.attachments)}`);
  expect(listed.body.data).toHaveLength(1);
  const ticket = await server.api.get<Ticket>(`/tickets/${listed.body.data[0]!.id}`);
  expect(ticket.status).toBe(200);
  return ticket.body.data;
}

async function content(server: TestServer, id: string): Promise<Uint8Array> {
  const res = await fetch(`${server.url}/api/v1/attachments/${id}/content`, { headers: { 'X-API-Key': server.adminKey } });
  expect(res.status).toBe(200);
  return new Uint8Array(await res.arrayBuffer());
}

const fileRequests = (r: ReplayServer) => r.requests.filter((q) => q.pathname.startsWith('/attachments/token/'));

describe('importing the files of messages', () => {
  it('puts each file on its message in order, byte for byte, and downloads it once', async () => {
    const { server, replay, dataset } = await start();
    const job = await runImportJob(server.api, { source: 'zendesk', url: replay.url, ...auth });
    expect(job.status).toBe('succeeded');
    expect(job.counts.attachments).toMatchObject({ refused: 0 });
    expect(job.errors).toEqual([]);

    const expected = sourceFiles(dataset);
    const thread = await importedThread(server);
    expect(thread.messages.map((m) => m.attachments.map((a) => [a.name, a.contentType, a.size]))).toEqual(
      expected.map((files) => files.map((f) => [f.name, f.contentType, f.bytes.length])),
    );
    for (const [i, message] of thread.messages.entries()) {
      for (const [j, a] of message.attachments.entries()) {
        const bytes = await content(server, a.id);
        expect(sha256(bytes)).toBe(sha256(expected[i]![j]!.bytes));
        expect(a.sha256).toBe(sha256(bytes));
      }
    }
    const downloads = fileRequests(replay).length;
    expect(downloads).toBe(Object.keys(dataset.files).length);

    // Reading everything again finds every file here already.
    const again = await runImportJob(server.api, { source: 'zendesk', url: replay.url, ...auth, full: true });
    expect(again.status).toBe('succeeded');
    expect(fileRequests(replay)).toHaveLength(downloads);
    const same = await importedThread(server);
    expect(same.messages.map((m) => m.attachments.map((a) => a.id))).toEqual(thread.messages.map((m) => m.attachments.map((a) => a.id)));
  });

  it('refuses a file the product will not give, keeps the rest, and brings it on a later run', async () => {
    const { server, replay, dataset } = await start();
    const [[png, log]] = sourceFiles(dataset) as [[ReturnType<typeof sourceFiles>[0][0], ReturnType<typeof sourceFiles>[0][0]]];
    const kept = dataset.files[log.path]!;
    delete dataset.files[log.path];

    const job = await runImportJob(server.api, { source: 'zendesk', url: replay.url, ...auth });
    expect(job.status).toBe('succeeded');
    expect(job.counts.attachments.refused).toBe(1);
    expect(job.errors).toEqual([
      expect.objectContaining({ kind: 'attachments', reason: expect.stringMatching(/^sync log \(1\)\.txt: the file could not be downloaded \(.*\); importing again with full tries it again$/) }),
    ]);
    let thread = await importedThread(server);
    expect(thread.messages[0]!.attachments.map((a) => a.name)).toEqual([png.name]);
    expect(thread.messages[1]!.attachments.map((a) => a.name)).toEqual(['invoice-2024-001.pdf']);

    dataset.files[log.path] = kept;
    const later = await runImportJob(server.api, { source: 'zendesk', url: replay.url, ...auth, full: true });
    expect(later.status).toBe('succeeded');
    expect(later.counts.attachments.refused).toBe(0);
    thread = await importedThread(server);
    expect(thread.messages[0]!.attachments.map((a) => a.name)).toEqual([png.name, log.name]);
    expect(sha256(await content(server, thread.messages[0]!.attachments[1]!.id))).toBe(sha256(kept.bytes));
  });

  it('refuses a file over the attachment size limit without downloading it', async () => {
    const probe = sourceFiles(generateZendesk(1)).flat();
    const largest = probe.reduce((a, b) => (b.bytes.length > a.bytes.length ? b : a));
    const { server, replay } = await start({ maxAttachmentBytes: largest.bytes.length - 1 });
    const job = await runImportJob(server.api, { source: 'zendesk', url: replay.url, ...auth });
    expect(job.status).toBe('succeeded');
    expect(job.errors.filter((e) => e.kind === 'attachments').map((e) => e.reason)).toEqual([
      expect.stringMatching(new RegExp(`^${largest.name.replace(/[.()]/g, '\\$&')}: .* is over the .* limit of attachments; its details are kept$`)),
    ]);
    expect(fileRequests(replay).some((r) => r.path === largest.path)).toBe(false);
    const names = (await importedThread(server)).messages.flatMap((m) => m.attachments.map((a) => a.name));
    expect(names).toEqual(probe.filter((f) => f !== largest).map((f) => f.name));
  });
});
