import { describe, expect, it } from 'vitest';
import { seedDatabase, seedWords } from '../../db/seed.ts';
import { startTestServer } from '../helpers/server.ts';

describe('seedDatabase', () => {
  it('writes consistent, searchable demo data that the API serves', async () => {
    const s = await startTestServer();
    try {
      const result = seedDatabase(s.sqlite, { tickets: 400, messagesPerTicket: 4, now: s.clock.now(), days: 30 });
      expect(result.tickets).toBe(400);
      const list = await s.api.get<{ id: string; createdAt: string }[]>('/tickets?limit=100');
      expect(list.body.meta?.total).toBe(400);
      const first = list.body.data[0];
      const detail = await s.api.get<{ messages: { sender: string }[] }>(`/tickets/${first?.id}`);
      expect(detail.body.data.messages).toHaveLength(4);
      expect(detail.body.data.messages[0]?.sender).toBe('customer');

      // The search index was built after the load and agrees with the data.
      const rare = s.sqlite
        .prepare('select count(*) n from tickets where subject like ?')
        .get(`%${seedWords.rare}%`) as { n: number };
      expect(rare.n).toBeGreaterThan(0);
      const found = await s.api.get(`/tickets?search=${seedWords.rare}`);
      expect(found.body.meta?.total).toBe(rare.n);
      const reply = s.sqlite
        .prepare("select body from messages where sender = 'agent' limit 1")
        .get() as { body: string };
      const word = reply.body.split(' ')[0] ?? '';
      expect(((await s.api.get(`/tickets?search=${word}`)).body.meta?.total ?? 0)).toBeGreaterThan(0);

      // Rows are in creation order, so the newest-first list is the insertion order reversed.
      const times = list.body.data.map((t) => t.createdAt);
      expect([...times].sort().reverse()).toEqual(times);
      expect((await s.api.get('/contacts')).body.meta?.total).toBe(result.contacts);
      const contact = s.sqlite.prepare('select company from contacts limit 1').get() as { company: string };
      const hits = await s.api.get<{ contacts: { total: number } }>(`/search?q=${contact.company}&types=contacts`);
      expect(hits.body.data.contacts.total).toBeGreaterThan(0);
      expect((await s.api.get('/conversations')).body.meta?.total).toBe(result.conversations);

      // Planner statistics cover the seeded tables only: the events table, nearly empty now,
      // must not be recorded as tiny, or reading the feed after a cursor becomes a full scan.
      const analyzed = s.sqlite.prepare('select distinct tbl from sqlite_stat1').pluck().all();
      expect(analyzed).toEqual(expect.arrayContaining(['tickets', 'messages', 'contacts']));
      expect(analyzed).not.toContain('events');
      const plan = s.sqlite
        .prepare('explain query plan select * from events where seq > ? order by seq limit 500')
        .all(0)
        .map((row) => (row as { detail: string }).detail);
      expect(plan.join(' | ')).toMatch(/SEARCH events USING INTEGER PRIMARY KEY/);
    } finally {
      await s.close();
    }
  });
});
