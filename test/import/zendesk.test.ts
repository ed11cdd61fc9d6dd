// The Zendesk source against a replay of Zendesk's API over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportSourceError, type SourceContact, type SourceTicket, type SourceUser } from '../../server/domain/imports/sources/types.ts';
import { zendesk, type ZendeskCursor } from '../../server/domain/imports/sources/zendesk.ts';
import {
  DELETED_AGENT,
  generateZendesk,
  ODD,
  ODD_HTML_TEXT,
  ODD_UNICODE_BODY,
  ODD_UNICODE_SUBJECT,
  RENAMED_CUSTOMER,
  zendeskIds,
} from '../fixtures/import/generate.ts';
import { collect, type ReplayServer, startReplayServer } from '../helpers/importReplay.ts';

const auth = { email: 'admin@acme.example', token: 'zd-secret-token-123' };
const keyOf = (r: { kind: string; item: { externalId: string } | null }) => `${r.kind}:${r.item?.externalId ?? ''}`;

let server: ReplayServer;
let records: Awaited<ReturnType<typeof readAll>>;
const v1 = generateZendesk(1);
const options = () => ({ url: server.url, ...auth, http: { backoffMs: 20 } });
const readAll = (since?: ZendeskCursor) => collect(zendesk.read({ ...options(), since }));
const tickets = () => records.filter((r) => r.kind === 'ticket').map((r) => r.item as SourceTicket);
const ticket = (i: number) => tickets().find((t) => t.externalId === String(zendeskIds.ticket(i))) as SourceTicket;

beforeAll(async () => {
  // A 429 (Retry-After: 1) after 60 requests and a 503 on the 5th: the read must get through both.
  server = await startReplayServer({ source: 'zendesk', dataset: v1, auth, rateLimit: { after: 60, retryAfterSeconds: 1 }, serverErrors: { at: [5] } });
  records = await readAll();
});
afterAll(() => server.stop());

describe('zendesk: a full read', () => {
  it('yields every user, contact and ticket once, then a checkpoint', () => {
    const count = (kind: string) => records.filter((r) => r.kind === kind).length;
    expect(count('user')).toBe(9); // 8 agents + the deleted one
    expect(count('contact')).toBe(161); // 160 end-users + the agent who filed a ticket
    expect(count('ticket')).toBe(340); // including the deleted ticket
    expect(records[records.length - 1]?.kind).toBe('checkpoint');
    expect(count('checkpoint')).toBe(1);
    const keys = records.filter((r) => r.kind !== 'checkpoint').map(keyOf);
    expect(new Set(keys).size).toBe(keys.length);
    const messages = tickets().reduce((n, t) => n + t.messages.length, 0);
    expect(messages).toBe(Object.values(v1.comments).reduce((n, c) => n + c.length, 0));
  });

  it('follows every page exactly once', () => {
    const ok = server.requests.filter((r) => r.status === 200);
    const paths = ok.map((r) => r.path);
    expect(new Set(paths).size).toBe(paths.length);
    expect(ok.filter((r) => r.pathname === '/api/v2/incremental/tickets/cursor.json')).toHaveLength(4); // 340 at 100 a page
    expect(ok.filter((r) => r.pathname === `/api/v2/tickets/${zendeskIds.ticket(ODD.big)}/comments.json`)).toHaveLength(5); // 500 at 100
    // Every ticket but the deleted one had its comments read.
    expect(new Set(ok.filter((r) => r.pathname.endsWith('/comments.json')).map((r) => r.pathname)).size).toBe(339);
  });

  it('waits out the 429 for at least Retry-After, and retries the 503', () => {
    const limited = server.requests.find((r) => r.status === 429);
    expect(limited).toBeDefined();
    const after = server.requests[server.requests.indexOf(limited as (typeof server.requests)[number]) + 1];
    expect(after?.path).toBe(limited?.path);
    expect((after?.at ?? 0) - (limited?.at ?? 0)).toBeGreaterThanOrEqual(1000);
    expect(server.requests.filter((r) => r.status === 429)).toHaveLength(1);
    const failed = server.requests[4];
    expect(failed?.status).toBe(503);
    expect(server.requests[5]?.path).toBe(failed?.path);
    expect(server.requests[5]?.status).toBe(200);
  });
});

describe('zendesk: mapping', () => {
  it('turns end-users into contacts and agents into users, deleted ones included', () => {
    const users = records.filter((r) => r.kind === 'user').map((r) => r.item as SourceUser);
    expect(users.find((u) => u.externalId === String(zendeskIds.agent(0)))).toMatchObject({ role: 'admin', active: true, deleted: false });
    expect(users.find((u) => u.externalId === String(zendeskIds.agent(DELETED_AGENT)))).toMatchObject({ role: 'agent', active: false, deleted: true, email: null, placeholder: false });
    const contacts = records.filter((r) => r.kind === 'contact').map((r) => r.item as SourceContact);
    const withCompany = contacts.filter((c) => c.company !== null);
    expect(withCompany.length).toBeGreaterThan(80);
    expect(contacts.every((c) => c.email === null || c.email === c.email.toLowerCase())).toBe(true);
  });

  it('maps statuses and priorities', () => {
    const expected: Record<string, string> = { new: 'open', open: 'open', pending: 'pending', hold: 'pending', solved: 'resolved', closed: 'closed', deleted: 'closed' };
    const seen = new Set<string>();
    for (const t of tickets()) {
      expect(t.status).toBe(expected[t.sourceStatus]);
      seen.add(t.sourceStatus);
    }
    expect([...seen].sort()).toEqual(['closed', 'deleted', 'hold', 'new', 'open', 'pending', 'solved']);
    const raw = new Map(v1.tickets.map((t) => [String(t.id), t.priority]));
    const priorities: Record<string, string> = { low: 'low', normal: 'medium', high: 'high', urgent: 'urgent', null: 'medium' };
    for (const t of tickets()) expect(t.priority).toBe(priorities[String(raw.get(t.externalId))]);
  });

  it('converts an HTML body to text: entities decoded, link kept, script dropped', () => {
    const first = ticket(ODD.html).messages[0];
    expect(first?.body).toBe(ODD_HTML_TEXT);
    expect(first?.html).toContain('<script>');
    expect(first?.body).not.toContain('alert');
  });

  it('keeps unicode as written', () => {
    const t = ticket(ODD.unicode);
    expect(t.subject).toBe(ODD_UNICODE_SUBJECT);
    expect(t.messages[0]?.body).toBe(ODD_UNICODE_BODY);
    expect(t.requester.name).toBe('Zoë Ñúñez-Ångström 王');
  });

  it('reads all 500 comments of the big ticket, oldest first', () => {
    const m = ticket(ODD.big).messages;
    expect(m).toHaveLength(500);
    expect(m.map((x) => x.createdAt)).toEqual([...m.map((x) => x.createdAt)].sort());
    expect(new Set(m.map((x) => x.externalId)).size).toBe(500);
  });

  it('keeps the deleted agent as assignee and author', () => {
    const t = ticket(ODD.deletedAgent);
    expect(t.assignee).toBe(String(zendeskIds.agent(DELETED_AGENT)));
    expect(t.messages[1]).toMatchObject({ sender: 'agent', author: String(zendeskIds.agent(DELETED_AGENT)) });
  });

  it('fills in what is missing: no subject, no priority, no name, no organisation, no tags', () => {
    const t = ticket(ODD.missing);
    expect(t).toMatchObject({ subject: '(no subject)', priority: 'medium', tags: [] });
    expect(t.requester).toMatchObject({ externalId: String(zendeskIds.customer(1)), name: null });
    const contact = records.find((r) => r.kind === 'contact' && r.item.externalId === String(zendeskIds.customer(1)))?.item as SourceContact;
    expect(contact).toMatchObject({ name: null, company: null });
    expect(contact.email).toMatch(/@/);
  });

  it('marks private comments internal', () => {
    expect(ticket(ODD.internal).messages.map((m) => m.internal)).toEqual([false, false, true]);
  });

  it('lists attachments and downloads their bytes', async () => {
    const [question, answer] = ticket(ODD.attachments).messages;
    expect(question?.attachments.map((a) => [a.name, a.contentType, a.size])).toEqual([
      ['screenshot.png', 'image/png', 70],
      ['sync log (1).txt', 'text/plain', 99],
    ]);
    expect(answer?.attachments.map((a) => a.name)).toEqual(['invoice-2024-001.pdf']);
    const png = await zendesk.downloadAttachment(options(), question?.attachments[0] as NonNullable<typeof question>['attachments'][number]);
    expect(png.contentType).toBe('image/png');
    expect(Buffer.from(png.bytes).subarray(1, 4).toString()).toBe('PNG');
    expect(png.bytes.length).toBe(70);
  });

  it('maps hold, a requester without e-mail, an agent as requester and a deleted ticket', () => {
    expect(ticket(ODD.customStatus)).toMatchObject({ status: 'pending', sourceStatus: 'hold' });
    expect(ticket(ODD.noEmail).requester).toMatchObject({ email: null, name: expect.any(String) });
    const agentId = String(zendeskIds.agent(4));
    const at = records.findIndex((r) => r.kind === 'ticket' && r.item.externalId === String(zendeskIds.ticket(ODD.agentRequester)));
    const contactAt = records.findIndex((r) => r.kind === 'contact' && r.item.externalId === agentId);
    expect(contactAt).toBeGreaterThan(-1);
    expect(contactAt).toBeLessThan(at);
    expect(ticket(ODD.agentRequester).requester.externalId).toBe(agentId);
    expect(ticket(ODD.deletedTicket)).toMatchObject({ deleted: true, status: 'closed', messages: [] });
  });

  it('writes every timestamp as ISO UTC with milliseconds', () => {
    const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
    for (const t of tickets()) {
      expect(t.createdAt).toMatch(iso);
      expect(t.updatedAt).toMatch(iso);
      for (const m of t.messages) expect(m.createdAt).toMatch(iso);
    }
  });
});

describe('zendesk: resuming and re-running', () => {
  it('resumes, twice, from cursors taken mid-run (in the users export, then among the tickets) with exactly the rest', async () => {
    // As a killed import would: stop, keep the last cursor as JSON, start again from it.
    const first = await collect(zendesk.read(options()), 40);
    const resume = (part: typeof first) => zendesk.parseCursor(JSON.parse(JSON.stringify(part[part.length - 1]?.cursor)) as unknown);
    const second = await collect(zendesk.read({ ...options(), since: resume(first) }), 210);
    expect(second[second.length - 1]?.kind).toBe('ticket');
    const rest = await collect(zendesk.read({ ...options(), since: resume(second) }));
    expect([...first, ...second, ...rest].map(keyOf)).toEqual(records.map(keyOf));
  });

  it('re-run from the checkpoint after a week yields only what changed', async () => {
    const checkpoint = records[records.length - 1]?.cursor as ZendeskCursor;
    server.setDataset(generateZendesk(2));
    try {
      const changed = await readAll(checkpoint);
      const updated = String(zendeskIds.ticket(ODD.updated));
      expect(changed.filter((r) => r.kind === 'ticket').map((r) => r.item?.externalId)).toEqual([updated, String(zendeskIds.ticket(340)), String(zendeskIds.ticket(341))]);
      expect(changed.filter((r) => r.kind === 'contact').map((r) => r.item?.externalId)).toEqual([String(zendeskIds.customer(RENAMED_CUSTOMER))]);
      expect(changed.filter((r) => r.kind === 'user')).toEqual([]);
      const reopened = changed.find((r) => r.item?.externalId === updated)?.item as SourceTicket;
      expect(reopened).toMatchObject({ status: 'open', sourceStatus: 'open' });
      expect(reopened.tags).toContain('reopened');
      expect(reopened.messages[reopened.messages.length - 1]?.body).toBe('Sorry, it happened again today. Can you reopen this?');
      // And from that checkpoint, nothing.
      const again = await readAll(changed[changed.length - 1]?.cursor as ZendeskCursor);
      expect(again.map((r) => r.kind)).toEqual(['checkpoint']);
    } finally {
      server.setDataset(v1);
    }
  });
});

describe('zendesk: errors and estimates', () => {
  it('refuses bad credentials with a clear error that carries no secret', async () => {
    const error = await collect(zendesk.read({ ...options(), token: 'wrong-token-456' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportSourceError);
    const e = error as ImportSourceError;
    expect(e).toMatchObject({ source: 'zendesk', code: 'auth', status: 401, productMessage: "Couldn't authenticate you" });
    expect(e.path).toBe('/api/v2/incremental/organizations.json?start_time=0');
    expect(e.message).toContain('zendesk');
    expect(e.message).toContain('HTTP 401');
    expect(e.message).not.toContain('wrong-token-456');
    expect(e.message).not.toContain(auth.token);
  });

  it('rejects a cursor from another source', () => {
    expect(() => zendesk.parseCursor({ source: 'freshdesk', v: 1 })).toThrow(/not a zendesk cursor \(it is a freshdesk cursor\)/);
  });

  it('estimates from the ticket count', async () => {
    expect(await zendesk.estimate(options())).toEqual({ tickets: 339 });
  });

  it('pauses when the quota runs out instead of hitting 429', async () => {
    const tight = await startReplayServer({ source: 'zendesk', dataset: v1, auth, quota: { limit: 8, windowSeconds: 1 } });
    try {
      const got = await collect(zendesk.read({ url: tight.url, ...auth }), 185);
      expect(got).toHaveLength(185);
      expect(tight.requests.filter((r) => r.status === 429)).toEqual([]);
      // Each request that spent the quota is followed by a pause until the window resets.
      const spentAt = tight.requests.filter((_, i) => (i + 1) % 8 === 0);
      expect(spentAt.length).toBeGreaterThan(0);
      for (const r of spentAt) {
        const next = tight.requests[tight.requests.indexOf(r) + 1];
        if (next) expect(next.at - r.at).toBeGreaterThanOrEqual(200);
      }
    } finally {
      await tight.stop();
    }
  });
});
