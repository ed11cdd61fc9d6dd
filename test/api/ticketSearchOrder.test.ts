// A ticket search sorted by date reads the full-text index in rowid (= seq) order while seq order
// is creation order, and falls back to the date index once a ticket arrives out of order. Both
// paths must give exactly the order of the same list without a search.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTicket } from '../helpers/factories.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

interface Listed {
  id: string;
  subject: string;
  createdAt: string;
}

async function ids(query: string): Promise<{ ids: string[]; total: number | undefined }> {
  const res = await s.api.get<Listed[]>(`/tickets?${query}`);
  expect(res.status, res.text).toBe(200);
  return { ids: res.body.data.map((t) => t.id), total: res.body.meta?.total };
}

/** Every page of `query`, three at a time, joined. */
async function paged(query: string): Promise<string[]> {
  const all: string[] = [];
  for (let offset = 0; ; offset += 3) {
    const page = await ids(`${query}&limit=3&offset=${offset}`);
    all.push(...page.ids);
    if (page.ids.length < 3) return all;
  }
}

const seqIsCreatedOrder = () =>
  (s.sqlite.prepare('select seq_is_created_order as v from ticket_order').get() as { v: number }).v;

/** The matching tickets in the order the plain list (no search) gives them. */
async function expected(matching: Set<string>, query: string): Promise<string[]> {
  return (await ids(`limit=100&${query}`)).ids.filter((id) => matching.has(id));
}

async function expectSearchOrder(matching: Set<string>) {
  for (const [order, status] of [['desc', ''], ['asc', ''], ['desc', '&status=open'], ['asc', '&status=open']]) {
    const want = await expected(matching, `sortOrder=${order}${status}`);
    const got = await paged(`search=kangaroo&sortOrder=${order}${status}`);
    expect(got, `sortOrder=${order}${status}`).toEqual(want);
  }
  expect((await ids('search=kangaroo&limit=1')).total).toBe(matching.size);
}

describe('ticket search sorted by date', () => {
  it('pages in creation order, ties by insertion, with and without a status filter', async () => {
    const matching = new Set<string>();
    for (let i = 0; i < 9; i++) {
      // Three tickets share each timestamp: the tie is broken by insertion order.
      if (i % 3 === 0) s.clock.advanceMinutes(5);
      const subject = i % 4 === 3 ? `Printer ${i}` : `Kangaroo ${i} in the server room`;
      const ticket = await buildTicket(s.api, { subject });
      if (subject.startsWith('Kangaroo')) matching.add(ticket.id);
      if (i === 4) await s.api.patch(`/tickets/${ticket.id}`, { status: 'pending' });
    }
    expect(seqIsCreatedOrder()).toBe(1);
    await expectSearchOrder(matching);
  });

  it('stays in date order after a ticket is created with an earlier clock', async () => {
    const later = s.clock.now().toISOString();
    s.clock.set('2026-01-01T00:00:00.000Z');
    const early = await buildTicket(s.api, { subject: 'Kangaroo from the past' });
    s.clock.set(later);
    s.clock.advanceMinutes(1);
    const newest = await buildTicket(s.api, { subject: 'Kangaroo after the step back' });
    expect(seqIsCreatedOrder()).toBe(0);

    const matching = new Set((await ids('search=kangaroo&limit=100')).ids);
    expect(matching.has(early.id) && matching.has(newest.id)).toBe(true);
    await expectSearchOrder(matching);
    const oldestFirst = await ids('search=kangaroo&sortOrder=asc&limit=1');
    expect(oldestFirst.ids).toEqual([early.id]);
  });
});
