import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemContext } from '../../server/domain/context.ts';
import { search } from '../../server/domain/search/search.service.ts';
import { buildKey, buildTicket } from '../helpers/factories.ts';
import { type ApiResponse, type TestServer, startTestServer } from '../helpers/server.ts';

interface Hit {
  id: string;
  snippet: string;
  rank: number;
  [field: string]: unknown;
}
interface Hits {
  total: number;
  hits: Hit[];
}
interface Results {
  tickets?: Hits;
  contacts?: Hits;
  conversations?: Hits;
}

/** `key`: another key than the admin one, or null for none. */
const find = (s: TestServer, query: string, key?: string | null) =>
  s.api.get<Results>(`/search?${query}`, key === undefined ? {} : { key });
const q = (text: string) => `q=${encodeURIComponent(text)}`;
const ids = (hits: Hits | undefined) => hits?.hits.map((h) => h.id);
const errorPaths = (res: ApiResponse) => res.body.error?.details?.errors?.map((e) => e.path);

function expectError(res: ApiResponse, status: number, code: string): void {
  expect(res.status).toBe(status);
  expect(res.body).toMatchObject({ data: null, error: { code, message: expect.any(String) } });
}

describe('GET /api/v1/search', () => {
  let s: TestServer;
  let inSubject: string;
  let inMessage: string;
  let contactId: string;
  let conversationId: string;

  beforeAll(async () => {
    s = await startTestServer();
    // Created first, so a newest-first tie-break could not explain its lead.
    inSubject = (
      await buildTicket(s.api, { subject: 'wombat in the server room', description: 'cables' })
    ).id;
    inMessage = (
      await buildTicket(s.api, { subject: 'Cables chewed', description: 'something chews cables' })
    ).id;
    const reply = await s.api.post(`/tickets/${inMessage}/messages`, {
      body: 'Facilities think a wombat got in through the loading dock',
    });
    expect(reply.status).toBe(201);
    const contact = await s.api.post<{ id: string }>('/contacts', {
      email: 'quentin@platypus-industries.example',
      name: 'Quentin Quokka',
      company: 'Bilby Holdings',
    });
    expect(contact.status).toBe(201);
    contactId = contact.body.data.id;
    const conversation = await s.api.post<{ id: string }>('/conversations', {
      channel: 'chat',
      participantEmail: 'visitor@example.com',
      subject: 'Numbat sighting near the office',
      body: 'I saw a numbat by the door, is that normal?',
    });
    expect(conversation.status).toBe(201);
    conversationId = conversation.body.data.id;
  });
  afterAll(async () => s.close());

  it('returns ranked hits per type with totals and highlighted snippets', async () => {
    const res = await find(s, q('wombat'));
    expect(res.status).toBe(200);
    expect(res.body.error).toBeNull();
    expect(res.body.meta).toBeUndefined();
    const { tickets, contacts, conversations } = res.body.data;
    expect(contacts).toEqual({ total: 0, hits: [] });
    expect(conversations).toEqual({ total: 0, hits: [] });
    expect(tickets?.total).toBe(2);
    // The subject weighs 10, a message 1: the subject hit ranks first.
    expect(ids(tickets)).toEqual([inSubject, inMessage]);
    const [first, second] = tickets?.hits ?? [];
    expect(first).toEqual({
      id: inSubject,
      subject: 'wombat in the server room',
      status: 'open',
      priority: 'medium',
      snippet: '<mark>wombat</mark> in the server room',
      rank: expect.any(Number),
    });
    expect(first!.rank).toBeGreaterThan(second!.rank);
    expect(second!.snippet).toContain('<mark>wombat</mark>');
    expect(second!.snippet).toContain('loading dock');
  });

  it('finds conversations by subject and message, with their channel and status', async () => {
    const res = await find(s, q('numbat'));
    expect(res.body.data.conversations?.hits).toEqual([
      expect.objectContaining({ id: conversationId, channel: 'chat', status: 'active' }),
    ]);
    expect(res.body.data.conversations?.hits[0]?.snippet).toContain('<mark>Numbat</mark>');
    expect(res.body.data.tickets?.total).toBe(0);
  });

  it('finds contacts by name, email and company', async () => {
    for (const word of ['quokka', 'platypus', 'bilby']) {
      const res = await find(s, q(word));
      expect(res.body.data.contacts?.hits, word).toEqual([
        {
          id: contactId,
          name: 'Quentin Quokka',
          email: 'quentin@platypus-industries.example',
          company: 'Bilby Holdings',
          snippet: expect.stringMatching(new RegExp(`<mark>${word}</mark>`, 'i')),
          rank: expect.any(Number),
        },
      ]);
    }
  });

  it('finds a contact created through a ticket', async () => {
    const ticket = await buildTicket(s.api, { contactEmail: 'echidna.fan@example.org' });
    const res = await find(s, `${q('echidna')}&types=contacts`);
    expect(ids(res.body.data.contacts)).toEqual([ticket.contactId]);
  });

  it('keeps contacts in step with PATCH and DELETE', async () => {
    const created = await s.api.post<{ id: string }>('/contacts', {
      email: 'kiwi@example.net',
      name: 'Kiri Kakapo',
      company: 'Takahe Ltd',
    });
    const id = created.body.data.id;
    expect(ids((await find(s, q('kakapo'))).body.data.contacts)).toEqual([id]);

    const patched = await s.api.patch(`/contacts/${id}`, { name: 'Kiri Kea', company: null });
    expect(patched.status).toBe(200);
    expect((await find(s, q('kakapo'))).body.data.contacts).toEqual({ total: 0, hits: [] });
    expect((await find(s, q('takahe'))).body.data.contacts?.total).toBe(0);
    const renamed = (await find(s, q('kea'))).body.data.contacts;
    expect(renamed?.hits.map((h) => [h.id, h.name, h.company])).toEqual([[id, 'Kiri Kea', null]]);
    expect(ids((await find(s, q('kiwi'))).body.data.contacts)).toEqual([id]); // email kept

    expect((await s.api.delete(`/contacts/${id}`)).status).toBe(204);
    expect((await find(s, q('kea'))).body.data.contacts).toEqual({ total: 0, hits: [] });
    expect((await find(s, q('kiwi'))).body.data.contacts).toEqual({ total: 0, hits: [] });
  });

  it('searches only the requested types', async () => {
    const one = await find(s, `${q('wombat')}&types=conversations`);
    expect(Object.keys(one.body.data)).toEqual(['conversations']);
    const two = await find(s, `${q('wombat')}&types=tickets,contacts`);
    expect(Object.keys(two.body.data).sort()).toEqual(['contacts', 'tickets']);
    expect(two.body.data.tickets?.total).toBe(2);
    expectError(await find(s, `${q('wombat')}&types=tickets,users`), 400, 'BAD_REQUEST');
    expectError(await find(s, `${q('wombat')}&types=`), 400, 'BAD_REQUEST');
  });

  it('needs the read scope of every type searched', async () => {
    const ticketsOnly = (await buildKey(s.api, ['tickets:read'])).key;
    const byDefault = await find(s, q('wombat'), ticketsOnly);
    expect(byDefault.status).toBe(200);
    expect(Object.keys(byDefault.body.data)).toEqual(['tickets']);
    expect(byDefault.body.data.tickets?.total).toBe(2);

    const denied = await find(s, `${q('quokka')}&types=tickets,contacts`, ticketsOnly);
    expectError(denied, 403, 'FORBIDDEN');
    expect(denied.body.error?.details).toMatchObject({
      required: 'contacts:read',
      granted: ['tickets:read'],
    });
    expect(denied.body.error?.message).toContain('contacts:read');

    const noRead = (await buildKey(s.api, ['events:read'])).key;
    expectError(await find(s, q('wombat'), noRead), 403, 'FORBIDDEN');
    expectError(await find(s, q('wombat'), null), 401, 'UNAUTHORIZED');
  });

  it('treats quotes and search operators as plain words', async () => {
    const inputs = ['"wombat', 'wombat OR', 'NEAR(wombat', 'subject:wombat', '{subject}: wombat',
      'wombat*', '-wombat', "wom'bat", '^wombat AND NOT', 'wombat"; drop table tickets; --'];
    for (const text of inputs) {
      const res = await find(s, q(text));
      expect(res.status, text).toBe(200);
      expect(res.body.data.tickets?.total, text).toEqual(expect.any(Number));
    }
    // Every word must match: punctuation only separates words.
    expect(ids((await find(s, q('"wombat" (server)'))).body.data.tickets)).toEqual([inSubject]);
  });

  it('escapes the snippet text, leaving only the <mark> elements as markup', async () => {
    const ticket = await buildTicket(s.api, {
      subject: 'Rendering bug',
      description: '<b>dingo</b> & "friends"',
    });
    const hit = (await find(s, `${q('dingo')}&types=tickets`)).body.data.tickets?.hits[0];
    expect(hit?.id).toBe(ticket.id);
    expect(hit?.snippet).toBe('&lt;b&gt;<mark>dingo</mark>&lt;/b&gt; &amp; &quot;friends&quot;');
  });

  it('finds nothing, without an error, for text with no searchable word', async () => {
    const res = await find(s, q('?! ... ***'));
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      tickets: { total: 0, hits: [] },
      contacts: { total: 0, hits: [] },
      conversations: { total: 0, hits: [] },
    });
  });

  it('rejects a missing, empty or too long q with 400', async () => {
    const missing = await find(s, 'types=tickets');
    expectError(missing, 400, 'BAD_REQUEST');
    expect(errorPaths(missing)).toEqual(['q']);
    expect(errorPaths(await find(s, q('   ')))).toEqual(['q']);
    expect(errorPaths(await find(s, q('x'.repeat(201))))).toEqual(['q']);
    expect((await find(s, q(` ${'x'.repeat(200)} `))).status).toBe(200);
    expect(errorPaths(await find(s, `${q('wombat')}&sort=rank`))).toEqual(['sort']);
  });

  it('limits hits per type to 1..50 (default 10), keeping the total', async () => {
    const one = await find(s, `${q('wombat')}&limit=1`);
    expect(one.body.data.tickets).toEqual({
      total: 2,
      hits: [expect.objectContaining({ id: inSubject })],
    });
    for (const limit of ['0', '51', '2.5', 'ten', '-1']) {
      const res = await find(s, `${q('wombat')}&limit=${limit}`);
      expectError(res, 400, 'BAD_REQUEST');
      expect(errorPaths(res), limit).toEqual(['limit']);
    }
    expect((await find(s, `${q('wombat')}&limit=50`)).status).toBe(200);
  });

  it('ranks only the newest matches when a search matches very many records', async () => {
    const oldest = await buildTicket(s.api, { subject: 'dugong dugong', description: 'as titled' });
    const newer = [];
    for (let i = 0; i < 3; i++) {
      newer.push(await buildTicket(s.api, { subject: `Report ${i}`, description: 'a dugong?' }));
    }
    const input = { q: 'dugong', types: ['tickets'] as const, limit: 10 };
    const exact = await search(systemContext(s.db, s.clock), input);
    expect(exact.tickets?.total).toBe(4);
    expect(exact.tickets?.hits[0]?.id).toBe(oldest.id);

    // With a pool of two, only the newest two matches are ranked.
    const bounded = await search(systemContext(s.db, s.clock), input, { rankPool: 2 });
    expect(bounded.tickets?.total).toBe(4);
    const newest = [newer[1]!.id, newer[2]!.id];
    expect(bounded.tickets?.hits.map((h) => h.id).sort()).toEqual(newest.sort());
    const scores = new Map(exact.tickets?.hits.map((h) => [h.id, h.rank]));
    for (const hit of bounded.tickets?.hits ?? []) expect(hit.rank).toBe(scores.get(hit.id));
  });
});
