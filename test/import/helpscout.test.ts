// The Help Scout source against a replay of the Mailbox API 2.0 over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helpscout, type HelpScoutCursor } from '../../server/domain/imports/sources/helpscout.ts';
import { ImportSourceError, type SourceAttachment, type SourceContact, type SourceTicket, type SourceUser } from '../../server/domain/imports/sources/types.ts';
import {
  DELETED_AGENT,
  generateHelpScout,
  helpscoutIds,
  ODD,
  ODD_HTML_TEXT,
  ODD_UNICODE_BODY,
  ODD_UNICODE_SUBJECT,
  RENAMED_CUSTOMER,
} from '../fixtures/import/generate.ts';
import { collect, type ReplayServer, startReplayServer } from '../helpers/importReplay.ts';

const auth = { appId: 'hs-app-id', appSecret: 'hs-app-secret-789' };
const keyOf = (r: { kind: string; item: { externalId: string } | null }) => `${r.kind}:${r.item?.externalId ?? ''}`;

let server: ReplayServer;
let records: Awaited<ReturnType<typeof readAll>>;
const v1 = generateHelpScout(1);
const options = () => ({ url: server.url, ...auth, http: { backoffMs: 20 } });
const readAll = (since?: HelpScoutCursor) => collect(helpscout.read({ ...options(), since }));
const tickets = () => records.filter((r) => r.kind === 'ticket').map((r) => r.item as SourceTicket);
const ticket = (i: number) => tickets().find((t) => t.externalId === String(helpscoutIds.conversation(i))) as SourceTicket;

beforeAll(async () => {
  server = await startReplayServer({ source: 'helpscout', dataset: v1, auth, rateLimit: { after: 100, retryAfterSeconds: 1 } });
  records = await readAll();
});
afterAll(() => server.stop());

describe('helpscout: a full read', () => {
  it('gets a token once, then yields every user, customer and conversation once', () => {
    expect(server.requests.filter((r) => r.pathname === '/v2/oauth2/token')).toHaveLength(1);
    const count = (kind: string) => records.filter((r) => r.kind === kind).length;
    expect(count('user')).toBe(9); // 8 listed + the deleted one, as a placeholder
    expect(count('contact')).toBe(160);
    expect(count('ticket')).toBe(339);
    expect(records[records.length - 1]?.kind).toBe('checkpoint');
    const keys = records.filter((r) => r.kind !== 'checkpoint').map(keyOf);
    expect(new Set(keys).size).toBe(keys.length);
    // Line items (status changes) are not messages.
    const threads = Object.values(v1.threads).flat();
    const lineItems = threads.filter((t) => t.type === 'lineitem').length;
    expect(lineItems).toBeGreaterThan(50);
    expect(tickets().reduce((n, t) => n + t.messages.length, 0)).toBe(threads.length - lineItems);
  });

  it('follows _links.next through every page once', () => {
    const ok = server.requests.filter((r) => r.status === 200);
    expect(new Set(ok.map((r) => r.path)).size).toBe(ok.length);
    const lists = ok.filter((r) => r.pathname === '/v2/conversations');
    expect(lists).toHaveLength(14); // 339 at 25 a page
    expect(lists.map((r) => r.query.get('page'))).toEqual(Array.from({ length: 14 }, (_, i) => String(i + 1)));
    for (const r of lists) expect(r.query.get('status')).toBe('all');
    expect(ok.filter((r) => r.pathname === '/v2/customers')).toHaveLength(4); // 160 at 50
    const bigThreads = Object.values(v1.threads).find((t) => t.length >= 500);
    expect(bigThreads).toBeDefined();
    expect(ok.filter((r) => r.pathname === `/v2/conversations/${helpscoutIds.conversation(ODD.big)}/threads`)).toHaveLength(Math.ceil((bigThreads?.length ?? 0) / 50));
  });

  it('waits out the 429 for at least X-RateLimit-Retry-After', () => {
    const limited = server.requests.filter((r) => r.status === 429);
    expect(limited).toHaveLength(1);
    const retry = server.requests[server.requests.indexOf(limited[0] as (typeof limited)[number]) + 1];
    expect(retry?.path).toBe(limited[0]?.path);
    expect((retry?.at ?? 0) - (limited[0]?.at ?? 0)).toBeGreaterThanOrEqual(1000);
  });
});

describe('helpscout: mapping', () => {
  it('maps owner and admin to admin, and the deleted user to a placeholder with the name threads carry', () => {
    const users = records.filter((r) => r.kind === 'user').map((r) => r.item as SourceUser);
    expect(users.find((u) => u.externalId === String(helpscoutIds.user(0)))?.role).toBe('admin');
    expect(users.find((u) => u.externalId === String(helpscoutIds.user(1)))?.role).toBe('admin');
    expect(users.find((u) => u.externalId === String(helpscoutIds.user(2)))?.role).toBe('agent');
    const deleted = users.find((u) => u.externalId === String(helpscoutIds.user(DELETED_AGENT)));
    expect(deleted).toMatchObject({ placeholder: true, deleted: true, active: false, name: expect.stringMatching(/\S+ \S+/), email: expect.stringContaining('@') });
    expect(ticket(ODD.deletedAgent).assignee).toBe(deleted?.externalId);
  });

  it('maps statuses, spam to closed with a spam tag, and no priority to medium', () => {
    const expected: Record<string, string> = { active: 'open', pending: 'pending', closed: 'closed', spam: 'closed' };
    for (const t of tickets()) {
      expect(t.status).toBe(expected[t.sourceStatus]);
      expect(t.priority).toBe('medium');
    }
    expect(ticket(ODD.customStatus)).toMatchObject({ status: 'closed', sourceStatus: 'spam' });
    expect(ticket(ODD.customStatus).tags).toContain('spam');
  });

  it('converts HTML, keeps unicode, reads all 500 threads oldest first', () => {
    expect(ticket(ODD.html).messages[0]?.body).toBe(ODD_HTML_TEXT);
    expect(ticket(ODD.unicode).subject).toBe(ODD_UNICODE_SUBJECT);
    expect(ticket(ODD.unicode).messages[0]?.body).toBe(ODD_UNICODE_BODY);
    const big = ticket(ODD.big).messages;
    expect(big).toHaveLength(500);
    expect(big.map((m) => m.createdAt)).toEqual([...big.map((m) => m.createdAt)].sort());
  });

  it('handles a customer without a name or company, and a chat customer without e-mail', () => {
    expect(ticket(ODD.missing)).toMatchObject({ subject: '(no subject)', tags: [] });
    expect(ticket(ODD.missing).requester).toMatchObject({ name: null });
    const contact = (i: number) => records.find((r) => r.kind === 'contact' && r.item.externalId === String(helpscoutIds.customer(i)))?.item as SourceContact;
    expect(contact(1)).toMatchObject({ name: null, company: null });
    expect(contact(2)).toMatchObject({ email: null });
    const chat = ticket(ODD.noEmail);
    expect(chat.requester.email).toBeNull();
    expect(chat.messages[0]).toMatchObject({ sender: 'customer', author: String(helpscoutIds.customer(2)) });
  });

  it('marks notes internal', () => {
    expect(ticket(ODD.internal).messages.map((m) => [m.sender, m.internal])).toEqual([
      ['customer', false],
      ['agent', false],
      ['agent', true],
    ]);
  });

  it('lists attachments and downloads them through the data endpoint', async () => {
    const [question, answer] = ticket(ODD.attachments).messages;
    expect(question?.attachments.map((a) => [a.name, a.contentType, a.size])).toEqual([
      ['screenshot.png', 'image/png', 70],
      ['sync log (1).txt', 'text/plain', 99],
    ]);
    const png = await helpscout.downloadAttachment(options(), question?.attachments[0] as SourceAttachment);
    expect(png.bytes.length).toBe(70);
    expect(Buffer.from(png.bytes).subarray(1, 4).toString()).toBe('PNG');
    expect(answer?.attachments[0]?.name).toBe('invoice-2024-001.pdf');
  });
});

describe('helpscout: resuming and re-running', () => {
  it('resumes, twice, from cursors taken mid-run (among the customers, then the conversations) with exactly the rest', async () => {
    const first = await collect(helpscout.read(options()), 60);
    const resume = (part: typeof first) => helpscout.parseCursor(JSON.parse(JSON.stringify(part[part.length - 1]?.cursor)) as unknown);
    const second = await collect(helpscout.read({ ...options(), since: resume(first) }), 200);
    expect(second[second.length - 1]?.kind).toBe('ticket');
    const rest = await collect(helpscout.read({ ...options(), since: resume(second) }));
    expect([...first, ...second, ...rest].map(keyOf)).toEqual(records.map(keyOf));
  });

  it('re-run from the checkpoint after a week yields only what changed', async () => {
    server.setDataset(generateHelpScout(2));
    try {
      const changed = await readAll(records[records.length - 1]?.cursor as HelpScoutCursor);
      const updated = String(helpscoutIds.conversation(ODD.updated));
      expect(changed.filter((r) => r.kind === 'ticket').map((r) => r.item?.externalId)).toEqual([updated, String(helpscoutIds.conversation(340)), String(helpscoutIds.conversation(341))]);
      expect(changed.filter((r) => r.kind === 'contact').map((r) => r.item?.externalId)).toEqual([String(helpscoutIds.customer(RENAMED_CUSTOMER))]);
      expect(changed.filter((r) => r.kind === 'user')).toEqual([]);
      const reopened = changed.find((r) => r.item?.externalId === updated)?.item as SourceTicket;
      expect(reopened).toMatchObject({ status: 'open', sourceStatus: 'active' });
      expect(reopened.tags).toContain('reopened');
      expect(reopened.updatedAt).toBe('2025-01-05T10:31:00.000Z'); // userUpdatedAt, a minute after the reply
      const again = await readAll(changed[changed.length - 1]?.cursor as HelpScoutCursor);
      expect(again.map((r) => r.kind)).toEqual(['checkpoint']);
    } finally {
      server.setDataset(v1);
    }
  });
});

describe('helpscout: errors and estimates', () => {
  it('refuses bad app credentials at the token endpoint, without the secret in the message', async () => {
    const e = await collect(helpscout.read({ ...options(), appSecret: 'wrong-secret' })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ImportSourceError);
    expect(e).toMatchObject({ source: 'helpscout', code: 'auth', status: 401, path: '/v2/oauth2/token' });
    expect((e as ImportSourceError).productMessage).toContain('Client authentication failed');
    expect((e as Error).message).not.toContain('wrong-secret');
    expect((e as Error).message).not.toContain(auth.appSecret);
  });

  it('estimates from the first page\'s totalElements', async () => {
    expect(await helpscout.estimate(options())).toEqual({ tickets: 339 });
  });
});
