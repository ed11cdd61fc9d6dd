// Pages past the first few hundred rows are read seqs-first (server/domain/tickets/tickets.list.ts): they
// must be exactly the rows the one-query path gives at the same positions, for every sort.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDatabase } from '../../db/seed.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
  seedDatabase(s.sqlite, { tickets: 600, messagesPerTicket: 1, now: s.clock.now(), days: 3 });
});
afterAll(async () => {
  await s.close();
});

interface Listed {
  id: string;
  tags: string[];
  contactEmail: string;
  sla: { breached: boolean };
}

const page = async (query: string) => {
  const res = await s.api.get<Listed[]>(`/tickets?${query}`);
  expect(res.status, res.text).toBe(200);
  return res.body;
};

describe('deep ticket pages', () => {
  it('match the rows at the same positions of a page read in one query', async () => {
    for (const query of ['', 'sortBy=priority', 'sortBy=status&sortOrder=asc', 'sortBy=updatedAt', 'status=closed,resolved']) {
      const near = await page(`${query}&limit=100&offset=150`); // one query: rows 150..249
      const deep = await page(`${query}&limit=50&offset=200`); // seqs first: rows 200..249
      expect(deep.data.length, query).toBeGreaterThan(0);
      expect(deep.data, query).toEqual(near.data.slice(50, 100));
      expect(deep.meta?.total, query).toBe(near.meta?.total);
    }
  });
});
