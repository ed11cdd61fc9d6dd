// Search matches words by their beginning, as people type: `search=Log` finds "Login loop", in
// the ticket list, the conversation and contact lists, and /search (whose snippets mark the
// words matched).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTicket } from '../helpers/factories.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';

let s: TestServer;
let loginId = '';
beforeAll(async () => {
  s = await startTestServer();
  loginId = (await buildTicket(s.api, { subject: 'Login loop', description: 'Redirected back to the sign-in page forever.' })).id;
  await buildTicket(s.api, { subject: 'Printer jam', description: 'Paper stuck in tray 2.' });
  await s.api.post('/conversations', { channel: 'chat', participantEmail: 'chat@example.com', subject: 'Refund request', body: 'I was charged twice.' });
  await s.api.post('/contacts', { email: 'janet.doe@example.com', name: 'Janet Doe', company: 'Umbrella' });
});
afterAll(async () => {
  await s.close();
});

const ids = (res: { body: { data: { id: string }[] } }) => res.body.data.map((x) => x.id);

describe('prefix search', () => {
  it('finds tickets by the start of a word, for every word typed', async () => {
    for (const q of ['Log', 'log', 'Logi', 'Login', 'login loo', 'LO LO', 'redirect', 'sign']) {
      const res = await s.api.get<{ id: string }[]>(`/tickets?search=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(200);
      expect(ids(res), q).toEqual([loginId]);
      expect(res.body.meta?.total, q).toBe(1);
    }
    expect(ids(await s.api.get<{ id: string }[]>('/tickets?search=logout'))).toEqual([]);
    expect(ids(await s.api.get<{ id: string }[]>('/tickets?search=login%20printer'))).toEqual([]);
  });

  it('takes a single letter as a whole word (a one-letter prefix would match nearly everything)', async () => {
    expect(ids(await s.api.get<{ id: string }[]>('/tickets?search=L'))).toEqual([]);
  });

  it('works for conversations and contacts too', async () => {
    const conversations = await s.api.get<{ subject: string }[]>('/conversations?search=Ref');
    expect(conversations.body.data.map((c) => c.subject)).toEqual(['Refund request']);
    const contacts = await s.api.get<{ name: string }[]>('/contacts?search=Jan');
    expect(contacts.body.data.map((c) => c.name)).toEqual(['Janet Doe']);
    expect((await s.api.get<{ name: string }[]>('/contacts?search=umbr')).body.data.map((c) => c.name)).toEqual(['Janet Doe']);
  });

  it('works in /search, marking the words the prefix matched', async () => {
    const res = await s.api.get<{ tickets: { hits: { id: string; snippet: string }[] }; contacts: { hits: { id: string }[] }; conversations: { hits: unknown[] } }>(
      '/search?q=Log',
    );
    expect(res.status).toBe(200);
    expect(res.body.data.tickets.hits.map((h) => h.id)).toEqual([loginId]);
    expect(res.body.data.tickets.hits[0]?.snippet).toContain('<mark>Login</mark>');
    expect((await s.api.get<{ contacts: { hits: unknown[] } }>('/search?q=jan')).body.data.contacts.hits).toHaveLength(1);
  });
});
