// The Freshdesk source against a replay of Freshdesk's API v2 over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshdesk, type FreshdeskCursor } from '../../server/domain/imports/sources/freshdesk.ts';
import { ImportSourceError, type SourceAttachment, type SourceContact, type SourceTicket, type SourceUser } from '../../server/domain/imports/sources/types.ts';
import {
  DELETED_AGENT,
  freshdeskIds,
  generateFreshdesk,
  ODD,
  ODD_HTML_TEXT,
  ODD_UNICODE_BODY,
  ODD_UNICODE_SUBJECT,
  RENAMED_CUSTOMER,
} from '../fixtures/import/generate.ts';
import { collect, type ReplayServer, startReplayServer } from '../helpers/importReplay.ts';

const auth = { apiKey: 'fd-api-key-secret' };
const keyOf = (r: { kind: string; item: { externalId: string } | null }) => `${r.kind}:${r.item?.externalId ?? ''}`;

let server: ReplayServer;
let records: Awaited<ReturnType<typeof readAll>>;
const v1 = generateFreshdesk(1);
const options = () => ({ url: server.url, ...auth, http: { backoffMs: 20 } });
const readAll = (since?: FreshdeskCursor) => collect(freshdesk.read({ ...options(), since }));
const tickets = () => records.filter((r) => r.kind === 'ticket').map((r) => r.item as SourceTicket);
const ticket = (i: number) => tickets().find((t) => t.externalId === String(freshdeskIds.ticket(i))) as SourceTicket;

beforeAll(async () => {
  server = await startReplayServer({ source: 'freshdesk', dataset: v1, auth, rateLimit: { after: 120, retryAfterSeconds: 1 } });
  records = await readAll();
});
afterAll(() => server.stop());

describe('freshdesk: a full read', () => {
  it('yields every agent, contact and ticket once, then a checkpoint', () => {
    const count = (kind: string) => records.filter((r) => r.kind === kind).length;
    expect(count('user')).toBe(9); // 8 listed agents + the deleted one, as a placeholder
    expect(count('contact')).toBe(160);
    expect(count('ticket')).toBe(339); // the list leaves the deleted ticket out
    expect(records.map((r) => r.kind).lastIndexOf('checkpoint')).toBe(records.length - 1);
    const keys = records.filter((r) => r.kind !== 'checkpoint').map(keyOf);
    expect(new Set(keys).size).toBe(keys.length);
    const conversations = Object.values(v1.conversations).reduce((n, c) => n + c.length, 0);
    expect(tickets().reduce((n, t) => n + t.messages.length, 0)).toBe(conversations + 339); // + each description
  });

  it('asks for each list page once, with keyset paging on updated_since', () => {
    const ok = server.requests.filter((r) => r.status === 200);
    expect(new Set(ok.map((r) => r.path)).size).toBe(ok.length);
    const lists = ok.filter((r) => r.pathname === '/api/v2/tickets');
    expect(lists.length).toBeGreaterThanOrEqual(4); // 339 tickets at 100 a page
    expect(lists.length).toBeLessThanOrEqual(5);
    for (const r of lists) expect(r.query.get('order_by')).toBe('updated_at');
    const sinces = lists.map((r) => r.query.get('updated_since') ?? '');
    expect(sinces).toEqual([...sinces].sort());
    expect(ok.filter((r) => r.pathname === `/api/v2/tickets/${freshdeskIds.ticket(ODD.big)}/conversations`)).toHaveLength(5); // 499 at 100
    expect(ok.filter((r) => r.pathname === '/api/v2/ticket_fields')).toHaveLength(1);
  });

  it('waits out the 429 for at least Retry-After', () => {
    const limited = server.requests.filter((r) => r.status === 429);
    expect(limited).toHaveLength(1);
    const retry = server.requests[server.requests.indexOf(limited[0] as (typeof limited)[number]) + 1];
    expect(retry?.path).toBe(limited[0]?.path);
    expect((retry?.at ?? 0) - (limited[0]?.at ?? 0)).toBeGreaterThanOrEqual(1000);
  });
});

describe('freshdesk: mapping', () => {
  it('tells admins from agents by role and keeps inactive agents', () => {
    const users = records.filter((r) => r.kind === 'user').map((r) => r.item as SourceUser);
    const byIndex = (i: number) => users.find((u) => u.externalId === String(freshdeskIds.agent(i)));
    expect(byIndex(0)).toMatchObject({ role: 'admin', active: true, deleted: false });
    expect(byIndex(3)).toMatchObject({ role: 'agent' }); // a supervisor
    expect(byIndex(7)).toMatchObject({ active: false, deleted: false });
  });

  it('maps numeric statuses, a custom status and priorities 1..4', () => {
    const expected: Record<string, string> = { '2': 'open', '3': 'pending', '4': 'resolved', '5': 'closed', '6': 'pending' };
    for (const t of tickets()) expect(t.status).toBe(expected[t.sourceStatus.split(':')[0] as string]);
    expect(ticket(ODD.customStatus)).toMatchObject({ status: 'pending', sourceStatus: '6: Waiting on Customer' });
    const raw = new Map(v1.tickets.map((t) => [String(t.id), t.priority]));
    const priorities = ['', 'low', 'medium', 'high', 'urgent'];
    for (const t of tickets()) expect(t.priority).toBe(priorities[raw.get(t.externalId) as number]);
  });

  it('yields the deleted agent as a placeholder before the ticket that names them', () => {
    const id = String(freshdeskIds.agent(DELETED_AGENT));
    const placeholderAt = records.findIndex((r) => r.kind === 'user' && r.item.externalId === id);
    const ticketAt = records.findIndex((r) => r.kind === 'ticket' && r.item.externalId === String(freshdeskIds.ticket(ODD.deletedAgent)));
    expect(placeholderAt).toBeGreaterThan(-1);
    expect(placeholderAt).toBeLessThan(ticketAt);
    expect(records[placeholderAt]?.item).toMatchObject({ placeholder: true, deleted: true, active: false, email: null });
    const t = ticket(ODD.deletedAgent);
    expect(t.assignee).toBe(id);
    expect(t.messages[1]).toMatchObject({ sender: 'agent', author: id });
  });

  it('converts HTML, keeps unicode and reads all 500 messages', () => {
    expect(ticket(ODD.html).messages[0]?.body).toBe(ODD_HTML_TEXT);
    expect(ticket(ODD.unicode).subject).toBe(ODD_UNICODE_SUBJECT);
    expect(ticket(ODD.unicode).messages[0]?.body).toBe(ODD_UNICODE_BODY);
    const big = ticket(ODD.big).messages;
    expect(big).toHaveLength(500);
    expect(big[0]?.externalId).toBe(`ticket-${freshdeskIds.ticket(ODD.big)}`);
    expect(big.map((m) => m.createdAt)).toEqual([...big.map((m) => m.createdAt)].sort());
  });

  it('handles a requester without name or company, and one without e-mail', () => {
    const missing = ticket(ODD.missing);
    expect(missing.requester).toMatchObject({ externalId: String(freshdeskIds.contact(1)), name: null });
    expect(missing.priority).toBe('low');
    const contact = (i: number) => records.find((r) => r.kind === 'contact' && r.item.externalId === String(freshdeskIds.contact(i)))?.item as SourceContact;
    expect(contact(1)).toMatchObject({ name: null, company: null });
    expect(ticket(ODD.noEmail).requester.email).toBeNull();
    expect(contact(2)).toMatchObject({ email: null, name: expect.any(String) });
  });

  it('marks private notes internal and incoming replies as the customer', () => {
    const m = ticket(ODD.internal).messages;
    expect(m.map((x) => [x.sender, x.internal])).toEqual([
      ['customer', false],
      ['agent', false],
      ['agent', true],
    ]);
  });

  it('lists attachments of the description and of replies, and downloads them without credentials', async () => {
    const [question, answer] = ticket(ODD.attachments).messages;
    expect(question?.attachments.map((a) => a.name)).toEqual(['screenshot.png', 'sync log (1).txt']);
    expect(answer?.attachments.map((a) => [a.name, a.contentType, a.size])).toEqual([['invoice-2024-001.pdf', 'application/pdf', 125]]);
    const pdf = await freshdesk.downloadAttachment(options(), answer?.attachments[0] as SourceAttachment);
    expect(new TextDecoder().decode(pdf.bytes)).toMatch(/^%PDF-1\.4/);
    const log = await freshdesk.downloadAttachment(options(), question?.attachments[1] as SourceAttachment);
    expect(new TextDecoder().decode(log.bytes)).toContain('ünïcödé');
  });
});

describe('freshdesk: resuming and re-running', () => {
  it('resumes, twice, from cursors taken mid-run (among the contacts, then among the tickets) with exactly the rest', async () => {
    // As a killed import would: stop, keep the last cursor as JSON, start again from it.
    const first = await collect(freshdesk.read(options()), 100);
    const resume = (part: typeof first) => freshdesk.parseCursor(JSON.parse(JSON.stringify(part[part.length - 1]?.cursor)) as unknown);
    const second = await collect(freshdesk.read({ ...options(), since: resume(first) }), 210);
    expect(second[second.length - 1]?.kind).toBe('ticket');
    const rest = await collect(freshdesk.read({ ...options(), since: resume(second) }));
    expect([...first, ...second, ...rest].map(keyOf)).toEqual(records.map(keyOf));
  });

  it('re-run from the checkpoint after a week yields only what changed', async () => {
    server.setDataset(generateFreshdesk(2));
    try {
      const changed = await readAll(records[records.length - 1]?.cursor as FreshdeskCursor);
      const updated = String(freshdeskIds.ticket(ODD.updated));
      expect(changed.filter((r) => r.kind === 'ticket').map((r) => r.item?.externalId)).toEqual([updated, String(freshdeskIds.ticket(340)), String(freshdeskIds.ticket(341))]);
      expect(changed.filter((r) => r.kind === 'contact').map((r) => r.item?.externalId)).toEqual([String(freshdeskIds.contact(RENAMED_CUSTOMER))]);
      expect(changed.filter((r) => r.kind === 'user')).toEqual([]);
      const reopened = changed.find((r) => r.item?.externalId === updated)?.item as SourceTicket;
      expect(reopened).toMatchObject({ status: 'open' });
      expect(reopened.tags).toContain('reopened');
      const again = await readAll(changed[changed.length - 1]?.cursor as FreshdeskCursor);
      expect(again.map((r) => r.kind)).toEqual(['checkpoint']);
    } finally {
      server.setDataset(v1);
    }
  });
});

describe('freshdesk: errors and estimates', () => {
  it('refuses a bad API key with Freshdesk\'s message and no secret', async () => {
    const e = await collect(freshdesk.read({ ...options(), apiKey: 'not-the-key' })).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ImportSourceError);
    expect(e).toMatchObject({ source: 'freshdesk', code: 'auth', status: 401, path: '/api/v2/roles', productMessage: 'You have to be logged in to perform this action.' });
    expect((e as Error).message).not.toContain('not-the-key');
  });

  it('estimates with the search API', async () => {
    expect(await freshdesk.estimate(options())).toEqual({ tickets: 339 });
  });
});
