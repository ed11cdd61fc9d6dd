// meta.total of a status-only ticket list comes from counts kept by triggers; they must agree
// with a real count after every kind of write.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDatabase } from '../../db/seed.ts';
import { buildTicket } from '../helpers/factories.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

async function expectCountsAgree() {
  const statuses = ['open', 'pending', 'resolved', 'closed'];
  for (const query of [...statuses, 'open,pending', 'resolved,closed', '']) {
    const fast = await s.api.get(`/tickets?limit=1${query ? `&status=${query}` : ''}`);
    // Adding a filter that matches every ticket forces a real COUNT(*).
    const counted = await s.api.get(`/tickets?limit=1&priority=low,medium,high,urgent${query ? `&status=${query}` : ''}`);
    expect(fast.body.meta?.total, `status=${query}`).toBe(counted.body.meta?.total);
  }
}

describe('ticket counts per status', () => {
  it('stay exact through creates, changes, bulk edits, merges, reopens, deletes and seeding', async () => {
    const tickets = [];
    for (let i = 0; i < 6; i++) tickets.push(await buildTicket(s.api));
    await expectCountsAgree();
    const [a, b, c, d, e, f] = tickets.map((t) => t.id);
    await s.api.patch(`/tickets/${a}`, { status: 'resolved' });
    await s.api.patch(`/tickets/${b}`, { status: 'pending' });
    await s.api.post('/tickets/bulk', { ids: [c, d], set: { status: 'closed' } });
    await expectCountsAgree();
    await s.api.post(`/tickets/${e}/merge`, { sourceIds: [f] });
    await s.api.post(`/tickets/${a}/messages`, { body: 'still broken', sender: 'customer' });
    await s.api.delete(`/tickets/${b}`);
    await expectCountsAgree();
    const open = await s.api.get('/tickets?limit=1&status=open');
    expect(open.body.meta?.total).toBe(2); // a (reopened) and e (merge target)
    seedDatabase(s.sqlite, { tickets: 200, messagesPerTicket: 1, now: s.clock.now(), days: 10 });
    await expectCountsAgree();
    expect((await s.api.get('/tickets?limit=1')).body.meta?.total).toBe(205);
  });
});
