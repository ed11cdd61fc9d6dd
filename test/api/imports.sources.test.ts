// Importing from Freshdesk and Help Scout through the API, each against a replay of the product's
// API over real HTTP with a 429 mid-run: counts that match the fixture, a second run that changes
// nothing, and the product-specific cases (deleted agents known only from references, custom
// statuses, spam, chat customers without e-mail).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImportJobT } from '../../common/contract/imports.ts';
import {
  freshdeskIds,
  generateFreshdesk,
  generateHelpScout,
  helpscoutIds,
  ODD,
  ODD_HTML_TEXT,
} from '../fixtures/import/generate.ts';
import type { TicketData } from '../helpers/factories.ts';
import { type ReplayServer, startReplayServer } from '../helpers/importReplay.ts';
import { runImportJob, snapshotDb } from '../helpers/imports.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';

type Json = Record<string, unknown>;
type Ticket = TicketData & { tags: string[]; externalId: string | null; description: string };
interface User { id: string; name: string; email: string; active: boolean }

// Each product gets a fresh desk: both fixtures have the same agents (same addresses), which a
// shared desk would rightly link instead of creating twice.
let s: TestServer;

const byExternal = async (externalId: string) => (await s.api.get<Ticket[]>(`/tickets?externalId=${externalId}`)).body.data[0];
const thread = async (id: string) => (await s.api.get<Ticket>(`/tickets/${id}`)).body.data;

function retriedAfter429(replay: ReplayServer): number {
  const limited = replay.requests.find((r) => r.status === 429);
  if (!limited) throw new Error('no 429 was served');
  const retry = replay.requests.slice(replay.requests.indexOf(limited) + 1).find((r) => r.path === limited.path);
  if (retry?.status !== 200) throw new Error(`the 429 on ${limited.path} was not retried`);
  return retry.at - limited.at;
}

describe('POST /api/v1/imports (freshdesk)', () => {
  const auth = { apiKey: 'fd-api-key-secret' };
  const v1 = generateFreshdesk(1);
  let replay: ReplayServer;
  let job: ImportJobT;
  beforeAll(async () => {
    s = await startTestServer();
    replay = await startReplayServer({ source: 'freshdesk', dataset: v1, auth, rateLimit: { after: 120, retryAfterSeconds: 1 } });
    job = await runImportJob(s.api, { source: 'freshdesk', url: replay.url, ...auth });
  }, 120_000);
  afterAll(async () => {
    await replay.stop();
    await s.close();
  });

  it('imports the fixture with counts that match it', async () => {
    const conversations = Object.values(v1.conversations).flat();
    const attachments = [...v1.tickets, ...conversations].reduce((n, x) => n + (x.attachments as unknown[]).length, 0);
    expect(job.status).toBe('succeeded');
    // The listed agents, and the deleted one known only from the tickets it touched.
    expect(job.counts.users).toMatchObject({ created: v1.agents.length + 1, refused: 0 });
    expect(job.counts.contacts).toMatchObject({ created: v1.contacts.length, refused: 0 });
    expect(job.counts.tickets).toMatchObject({ created: v1.tickets.length, refused: 0 });
    expect(job.counts.messages).toMatchObject({ created: v1.tickets.length + conversations.length, refused: 0 });
    expect(job.counts.attachments.created).toBe(attachments);
    expect(job.errorCount).toBe(0);
    // Every file came in on its message.
    expect(await s.db.selectFrom('message_attachments').select((e) => e.fn.countAll<number>().as('n')).executeTakeFirst()).toEqual({ n: attachments });
  });

  it('honours the 429', () => {
    expect(retriedAfter429(replay)).toBeGreaterThanOrEqual(1000);
  });

  it('maps statuses (a custom "waiting" status is pending), notes and the deleted agent', async () => {
    const custom = await byExternal(`freshdesk:${freshdeskIds.ticket(ODD.customStatus)}`);
    expect(custom?.status).toBe('pending');
    const deleted = await byExternal(`freshdesk:${freshdeskIds.ticket(ODD.deletedAgent)}`);
    const users = (await s.api.get<User[]>('/users?limit=100')).body.data;
    const placeholder = users.find((u) => u.id === deleted?.assignedTo);
    expect(placeholder).toMatchObject({ active: false });
    const internal = await thread((await byExternal(`freshdesk:${freshdeskIds.ticket(ODD.internal)}`))!.id);
    expect(internal.messages!.some((m) => m.internal && m.sender === 'agent')).toBe(true);
    const html = await thread((await byExternal(`freshdesk:${freshdeskIds.ticket(ODD.html)}`))!.id);
    expect(html.description).toBe(ODD_HTML_TEXT);
  });

  it('changes nothing when run again', async () => {
    const before = await snapshotDb(s.db);
    const again = await runImportJob(s.api, { source: 'freshdesk', url: replay.url, ...auth });
    expect(again.status).toBe('succeeded');
    for (const kind of Object.values(again.counts)) expect(kind).toMatchObject({ created: 0, updated: 0, refused: 0 });
    expect(await snapshotDb(s.db)).toEqual(before);
  });
});

describe('POST /api/v1/imports (helpscout)', () => {
  const auth = { appId: 'hs-app-id', appSecret: 'hs-app-secret-789' };
  const v1 = generateHelpScout(1);
  let replay: ReplayServer;
  let job: ImportJobT;
  beforeAll(async () => {
    s = await startTestServer();
    replay = await startReplayServer({ source: 'helpscout', dataset: v1, auth, rateLimit: { after: 100, retryAfterSeconds: 1 } });
    job = await runImportJob(s.api, { source: 'helpscout', url: replay.url, ...auth });
  }, 120_000);
  afterAll(async () => {
    await replay.stop();
    await s.close();
  });

  it('imports the fixture with counts that match it', async () => {
    const threads = Object.values(v1.threads).flat().filter((t) => t.type !== 'lineitem');
    const attachments = threads.reduce((n, t) => n + ((t._embedded as Json).attachments as unknown[]).length, 0);
    expect(job.status).toBe('succeeded');
    expect(job.counts.users).toMatchObject({ created: v1.users.length + 1, refused: 0 });
    expect(job.counts.contacts).toMatchObject({ created: v1.customers.length, refused: 0 });
    expect(job.counts.tickets).toMatchObject({ created: v1.conversations.length, refused: 0 });
    expect(job.counts.messages).toMatchObject({ created: threads.length, refused: 0 });
    expect(job.counts.attachments.created).toBe(attachments);
    expect(job.errorCount).toBe(0);
    // Every file came in on its message.
    expect(await s.db.selectFrom('message_attachments').select((e) => e.fn.countAll<number>().as('n')).executeTakeFirst()).toEqual({ n: attachments });
  });

  it('honours the 429 (X-RateLimit-Retry-After)', () => {
    expect(retriedAfter429(replay)).toBeGreaterThanOrEqual(1000);
  });

  it('closes spam with a spam tag, and makes up an address for a chat customer', async () => {
    const spam = await byExternal(`helpscout:${helpscoutIds.conversation(ODD.customStatus)}`);
    expect(spam).toMatchObject({ status: 'closed' });
    expect(spam?.tags).toContain('spam');
    const chat = await byExternal(`helpscout:${helpscoutIds.conversation(ODD.noEmail)}`);
    expect(chat?.contactEmail).toMatch(/^helpscout-\d+@import\.invalid$/);
    const users = (await s.api.get<User[]>('/users?limit=100')).body.data;
    const deleted = await byExternal(`helpscout:${helpscoutIds.conversation(ODD.deletedAgent)}`);
    // The deleted agent, known only by the name and address its threads embed.
    expect(users.find((u) => u.id === deleted?.assignedTo)?.active).toBe(false);
  });

  it('changes nothing when run again', async () => {
    const before = await snapshotDb(s.db);
    const again = await runImportJob(s.api, { source: 'helpscout', url: replay.url, ...auth });
    expect(again.status).toBe('succeeded');
    for (const kind of Object.values(again.counts)) expect(kind).toMatchObject({ created: 0, updated: 0, refused: 0 });
    expect(await snapshotDb(s.db)).toEqual(before);
  });
});
