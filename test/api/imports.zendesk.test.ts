// Importing a Zendesk account through the API, against a replay of Zendesk's API over real HTTP
// (paging, a 429 with Retry-After mid-run): what comes in, how it maps, what a second run and an
// incremental run do, and that imported rows trigger no webhook or workflow.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportJobT } from '../../common/contract/imports.ts';
import { DELETED_AGENT, generateZendesk, ODD, ODD_HTML_TEXT, ODD_UNICODE_SUBJECT, RENAMED_CUSTOMER, zendeskIds } from '../fixtures/import/generate.ts';
import { buildTicket, type TicketData } from '../helpers/factories.ts';
import { type ReplayServer, startReplayServer } from '../helpers/importReplay.ts';
import { runImportJob, snapshotDb } from '../helpers/imports.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';

type Json = Record<string, unknown>;
type Ticket = TicketData & { tags: string[]; externalId: string | null; projectId: string | null; description: string };
interface User { id: string; name: string; email: string; role: string; active: boolean; createdAt: string }
interface Contact { id: string; name: string | null; email: string; company: string | null }

const auth = { email: 'admin@acme.example', token: 'zd-secret-token-123' };
const v1 = generateZendesk(1);
let s: TestServer;
let replay: ReplayServer;
let first: ImportJobT;
let receiver: { url: string; got: number; close(): Promise<void> };
let workflowId: string;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const zendesk = (extra: Json = {}) => ({ source: 'zendesk', url: replay.url, ...auth, ...extra });
const byExternal = async (id: number) => {
  const res = await s.api.get<Ticket[]>(`/tickets?externalId=zendesk:${id}`);
  expect(res.status).toBe(200);
  return res.body.data[0];
};
const withThread = async (id: string) => (await s.api.get<Ticket>(`/tickets/${id}`)).body.data;
const zTicket = (i: number) => v1.tickets.find((t) => t.id === zendeskIds.ticket(i)) as Json;

async function startReceiver() {
  let got = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      got += 1;
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    get got() {
      return got;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Until the webhook outbox and the workflow engine have looked at every committed event. */
async function followersSettled() {
  for (const deadline = Date.now() + 10_000; ; await sleep(20)) {
    const newest = Number((await s.db.selectFrom('events').select((eb) => eb.fn.max('seq').as('m')).executeTakeFirst())?.m ?? 0);
    const cursors = await s.db.selectFrom('event_cursors').select(['name', 'seq']).execute();
    const at = (name: string) => cursors.find((c) => c.name === name)?.seq ?? -1;
    if (at('workflows') >= newest && at('webhook-outbox') >= newest) return;
    if (Date.now() > deadline) throw new Error(`followers did not catch up: ${JSON.stringify(cursors)} < ${newest}`);
  }
}

beforeAll(async () => {
  s = await startTestServer({ config: { webhookPollMs: 20 } });
  replay = await startReplayServer({ source: 'zendesk', dataset: v1, auth, rateLimit: { after: 60, retryAfterSeconds: 1 } });
  receiver = await startReceiver();
  // A webhook on everything and a workflow on every new ticket, there before the import starts.
  expect((await s.api.post('/webhooks', { url: receiver.url, events: ['*'] })).status).toBe(201);
  const wf = await s.api.post<{ id: string }>('/workflows', {
    name: 'Tag new tickets',
    trigger: 'ticket.created',
    conditions: [],
    actions: [{ type: 'add_tag', value: 'seen-by-workflow' }],
  });
  expect(wf.status).toBe(201);
  workflowId = wf.body.data.id;
  first = await runImportJob(s.api, zendesk());
}, 120_000);
afterAll(async () => {
  await replay.stop();
  await receiver.close();
  await s.close();
});

describe('POST /api/v1/imports (zendesk)', () => {
  it('imports the fixture with counts that match it', () => {
    const agents = v1.users.filter((u) => u.role !== 'end-user');
    const agentIds = new Set(agents.map((u) => u.id));
    const agentRequesters = new Set(v1.tickets.filter((t) => agentIds.has(t.requester_id)).map((t) => t.requester_id));
    const live = v1.tickets.filter((t) => t.status !== 'deleted');
    const comments = Object.values(v1.comments).flat();
    expect(first.status).toBe('succeeded');
    expect(first.failure).toBeNull();
    expect(first.counts.users).toMatchObject({ created: agents.length, refused: 0 });
    expect(first.counts.contacts).toMatchObject({ created: v1.users.length - agents.length + agentRequesters.size, refused: 0 });
    expect(first.counts.tickets).toMatchObject({ created: live.length, skipped: v1.tickets.length - live.length, refused: 0 });
    expect(first.counts.messages).toMatchObject({ created: comments.length, refused: 0 });
    expect(first.counts.attachments.created).toBe(comments.reduce((n, c) => n + (c.attachments as unknown[]).length, 0));
    expect(first.skippedReasons).toEqual({ 'tickets: deleted in zendesk': 1 });
    expect(first.progress).toMatchObject({ ticketsDone: v1.tickets.length, etaSeconds: null });
    expect(first.progress.ticketsPerSecond).toBeGreaterThan(0);
  });

  it('honours the 429: the same request again, no sooner than Retry-After', () => {
    const limited = replay.requests.find((r) => r.status === 429);
    expect(limited).toBeDefined();
    const retry = replay.requests.slice(replay.requests.indexOf(limited!) + 1).find((r) => r.path === limited!.path);
    expect(retry?.status).toBe(200);
    expect(retry!.at - limited!.at).toBeGreaterThanOrEqual(1000);
  });

  it('keeps status, priority, tags, assignee and the created and updated times', async () => {
    const z = zTicket(ODD.internal);
    const t = await byExternal(z.id as number);
    expect(t).toMatchObject({
      subject: z.subject,
      externalId: `zendesk:${z.id}`,
      status: { new: 'open', open: 'open', pending: 'pending', hold: 'pending', solved: 'resolved', closed: 'closed' }[z.status as string],
      priority: { low: 'low', normal: 'medium', high: 'high', urgent: 'urgent' }[z.priority as string] ?? 'medium',
      createdAt: new Date(z.created_at as string).toISOString(),
      updatedAt: new Date(z.updated_at as string).toISOString(),
    });
    expect(t!.tags).toEqual([...(z.tags as string[])].sort());
    const agent = v1.users.find((u) => u.id === z.assignee_id);
    const users = (await s.api.get<User[]>('/users?limit=100')).body.data;
    expect(users.find((u) => u.id === t!.assignedTo)?.name).toBe(agent?.name);
  });

  it('brings comments in as messages: public or internal, author, time, in order', async () => {
    const z = zTicket(ODD.internal);
    const t = await withThread((await byExternal(z.id as number))!.id);
    const source = v1.comments[String(z.id)] as Json[];
    expect(t.messages!.map((m) => [m.internal, m.createdAt])).toEqual(source.map((c) => [!c.public, new Date(c.created_at as string).toISOString()]));
    const note = t.messages!.find((m) => m.internal);
    expect(note?.sender).toBe('agent');
    const users = (await s.api.get<User[]>('/users?limit=100')).body.data;
    const noteAuthor = v1.users.find((u) => u.id === source.find((c) => !c.public)?.author_id);
    expect(users.find((u) => u.id === note?.authorId)?.name).toBe(noteAuthor?.name);
    expect(t.messages!.filter((m) => m.sender === 'customer').every((m) => m.authorId === t.contactId)).toBe(true);
    expect(t.firstResponseAt).toBe(t.messages!.find((m) => m.sender === 'agent' && !m.internal)?.createdAt ?? null);
  });

  it('turns HTML into text, keeps unicode, and reads all 500 comments of the big ticket', async () => {
    const html = await withThread((await byExternal(zendeskIds.ticket(ODD.html)))!.id);
    expect(html.messages![0]?.body).toBe(ODD_HTML_TEXT);
    expect(html.description).toBe(ODD_HTML_TEXT);
    const unicode = await byExternal(zendeskIds.ticket(ODD.unicode));
    expect(unicode?.subject).toBe(ODD_UNICODE_SUBJECT);
    const big = await byExternal(zendeskIds.ticket(ODD.big));
    const thread = await s.api.get<unknown[]>(`/tickets/${big!.id}/messages?limit=1`);
    expect(thread.body.meta?.total).toBe(500);
  });

  it('creates users inactive, keeps the deleted agent as assignee, and leaves the deleted ticket out', async () => {
    const users = (await s.api.get<User[]>('/users?limit=100')).body.data;
    const imported = users.filter((u) => u.email !== 'admin@localhost');
    expect(imported.every((u) => !u.active)).toBe(true);
    expect(imported.filter((u) => u.role === 'admin')).toHaveLength(v1.users.filter((u) => u.role === 'admin').length);
    const deleted = users.find((u) => u.name === v1.users.find((x) => x.id === zendeskIds.agent(DELETED_AGENT))?.name);
    expect(deleted?.email).toMatch(/@import\.invalid$/); // Zendesk removed the address
    expect((await byExternal(zendeskIds.ticket(ODD.deletedAgent)))?.assignedTo).toBe(deleted?.id);
    expect(await byExternal(zendeskIds.ticket(ODD.deletedTicket))).toBeUndefined();
  });

  it('makes contacts with their organisation as company, and one up for a requester without e-mail', async () => {
    const z = v1.users.find((u) => u.role === 'end-user' && u.organization_id !== null && u.email) as Json;
    const org = v1.organizations.find((o) => o.id === z.organization_id);
    const found = await s.api.get<Contact[]>(`/contacts?search=${encodeURIComponent(z.email as string)}`);
    expect(found.body.data[0]).toMatchObject({ email: z.email, company: org?.name, name: z.name });
    const noEmail = await byExternal(zendeskIds.ticket(ODD.noEmail));
    expect(noEmail?.contactEmail).toMatch(/^zendesk-\d+@import\.invalid$/);
  });

  it('makes imported tickets searchable and counted', async () => {
    const word = ODD_HTML_TEXT.match(/pricing/)?.[0] as string;
    const found = await s.api.get<Ticket[]>(`/tickets?search=${word}`);
    expect(found.body.data.map((t) => t.externalId)).toContain(`zendesk:${zendeskIds.ticket(ODD.html)}`);
    const open = v1.tickets.filter((t) => t.status === 'new' || t.status === 'open').length;
    expect((await s.api.get('/tickets?status=open&limit=1')).body.meta?.total).toBe(open);
  });

  it('records events for imported rows as the import, which no webhook or workflow acts on', async () => {
    const events = await s.api.get<{ actor: { type: string; id: string } }[]>('/events?type=ticket.created&limit=5');
    // Made by the import, for the admin who started it.
    const me = (await s.api.get<{ id: string }>('/users/me')).body.data.id;
    expect(events.body.data[0]?.actor).toEqual({ type: 'system', id: first.id, userId: me });
    await followersSettled();
    expect(receiver.got).toBe(0);
    expect(await s.db.selectFrom('webhook_deliveries').select('id').execute()).toEqual([]);
    expect((await s.api.get<{ runCount: number }>(`/workflows/${workflowId}`)).body.data.runCount).toBe(0);
    expect((await s.api.get('/tickets?tag=seen-by-workflow')).body.meta?.total).toBe(0);

    // Both are live: a ticket made through the API triggers them.
    const made = await buildTicket(s.api);
    await followersSettled();
    expect((await s.api.get<Ticket>(`/tickets/${made.id}`)).body.data.tags).toContain('seen-by-workflow');
    for (const deadline = Date.now() + 5000; receiver.got === 0 && Date.now() < deadline; ) await sleep(20);
    expect(receiver.got).toBeGreaterThan(0);
  });

  it('never shows the token: not in the job, not in the list', async () => {
    const one = await s.api.get(`/imports/${first.id}`);
    const list = await s.api.get('/imports');
    expect(one.text).not.toContain(auth.token);
    expect(list.text).not.toContain(auth.token);
    expect(one.body.data).toMatchObject({ options: { url: replay.url, email: auth.email } });
    const stored = await s.db.selectFrom('imports').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(auth.token);
  });
});

describe('running the import again', () => {
  it('changes nothing: it continues from the last cursor and finds nothing new', async () => {
    const before = await snapshotDb(s.db);
    const again = await runImportJob(s.api, zendesk());
    expect(again.status).toBe('succeeded');
    for (const kind of Object.values(again.counts)) expect(kind).toMatchObject({ created: 0, updated: 0, refused: 0 });
    expect(await snapshotDb(s.db)).toEqual(before);
  });

  it('with full: true reads everything again, and still changes nothing', async () => {
    const before = await snapshotDb(s.db);
    const full = await runImportJob(s.api, zendesk({ full: true }));
    expect(full.counts.tickets).toMatchObject({ created: 0, updated: 0, skipped: v1.tickets.length });
    expect(full.counts.users).toMatchObject({ created: 0, updated: 0, skipped: first.counts.users.created });
    expect(await snapshotDb(s.db)).toEqual(before);
  });

  it('a week later imports only what changed, and leaves local edits of the rest alone', async () => {
    const untouched = await byExternal(zendeskIds.ticket(ODD.html));
    const edited = await s.api.patch<Ticket>(`/tickets/${untouched!.id}`, { priority: 'urgent' });
    expect(edited.status).toBe(200);
    const v2 = generateZendesk(2);
    replay.setDataset(v2);
    const later = await runImportJob(s.api, zendesk());
    expect(later.status).toBe('succeeded');
    const newTickets = v2.tickets.filter((t) => !v1.tickets.some((o) => o.id === t.id));
    expect(later.counts.tickets).toMatchObject({ created: newTickets.length, updated: 1, refused: 0 });
    expect(later.counts.contacts.updated).toBe(1);
    const reopened = await withThread((await byExternal(zendeskIds.ticket(ODD.updated)))!.id);
    expect(reopened.status).toBe('open');
    expect(reopened.tags).toContain('reopened');
    expect(reopened.messages).toHaveLength((v2.comments[String(zendeskIds.ticket(ODD.updated))] as Json[]).length);
    const renamed = v2.users.find((u) => u.id === zendeskIds.customer(RENAMED_CUSTOMER)) as Json;
    const contact = await s.api.get<Contact[]>(`/contacts?search=${encodeURIComponent(renamed.email as string)}`);
    expect(contact.body.data[0]?.name).toBe(renamed.name);
    expect((await byExternal(zendeskIds.ticket(ODD.html)))?.priority).toBe('urgent');
    replay.setDataset(v1);
  });
});
