// Presence: who has a ticket open and who is replying. Ephemeral: in memory, sent live on the
// event stream, expiring ~30 s after the last heartbeat, never stored and never an event.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInAgent } from '../helpers/accounts.ts';
import { buildTicket } from '../helpers/factories.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';
import { openSse } from '../helpers/sse.ts';

interface Presence {
  ticketId: string;
  people: { userId: string; name: string; state: string }[];
}

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ config: { presenceSweepMs: 50 } });
});
afterAll(async () => {
  await s.close();
});

describe('presence', () => {
  it('shows who views and who replies, live to others, and expires 30 s after the last heartbeat', async () => {
    const ada = await signedInAgent(s, 'ada@example.com', 'Ada Lovelace');
    const grace = await signedInAgent(s, 'grace@example.com', 'Grace Hopper');
    const ticket = await buildTicket(s.api);
    const stream = await openSse(`${s.url}/api/v1/events/stream?include=presence`, { Cookie: grace.cookie });
    try {
      const beat = await ada.client.post<Presence>('/presence', { ticketId: ticket.id, state: 'viewing' });
      expect(beat.status).toBe(200);
      expect(beat.body.data).toMatchObject({ ticketId: ticket.id, people: [{ userId: ada.user.id, name: 'Ada Lovelace', state: 'viewing' }] });
      await stream.waitForUnnumbered('presence', (d) => d.includes('"state":"viewing"'));
      await ada.client.post('/presence', { ticketId: ticket.id, state: 'replying' });
      const replying = await stream.waitForUnnumbered('presence', (d) => d.includes('"state":"replying"'));
      expect(JSON.parse(replying.data ?? '')).toMatchObject({ ticketId: ticket.id, people: [{ name: 'Ada Lovelace', state: 'replying' }] });
      await grace.client.post('/presence', { ticketId: ticket.id, state: 'viewing' });
      const both = await grace.client.get<Presence[]>(`/presence?ticketId=${ticket.id}`);
      expect(both.body.data[0]?.people.map((p) => p.name)).toEqual(['Ada Lovelace', 'Grace Hopper']);
      expect((await grace.client.get<Presence[]>('/presence')).body.data.map((t) => t.ticketId)).toEqual([ticket.id]);

      // Ada's tab closes without a word: 31 s later she is gone, and Grace is told.
      s.clock.advanceMinutes(0.25);
      await grace.client.post('/presence', { ticketId: ticket.id, state: 'viewing' });
      s.clock.advanceMinutes(0.27);
      const gone = await stream.waitForUnnumbered('presence', (d) => !d.includes('Ada') && d.includes('Grace'));
      expect(JSON.parse(gone.data ?? '').people.map((p: { name: string }) => p.name)).toEqual(['Grace Hopper']);
      await grace.client.post('/presence', { ticketId: ticket.id, state: 'left' });
      expect((await grace.client.get<Presence[]>(`/presence?ticketId=${ticket.id}`)).body.data[0]?.people).toEqual([]);
      expect((await grace.client.get<Presence[]>('/presence')).body.data).toEqual([]);

      // Nothing of it was stored or became an event.
      const events = await s.api.get<{ type: string }[]>('/events?limit=100');
      expect(events.body.data.some((e) => e.type.startsWith('presence'))).toBe(false);
      expect(stream.messages.filter((m) => m.event?.startsWith('presence'))).toEqual([]);
    } finally {
      stream.close();
    }
  });

  it('refuses an unknown ticket, a bad state, and a caller without tickets:read', async () => {
    expect((await s.api.post('/presence', { ticketId: 'tkt_01ARZ3NDEKTSV4RRFFQ69G5FAV', state: 'viewing' })).status).toBe(404);
    const ticket = await buildTicket(s.api);
    const bad = await s.api.post('/presence', { ticketId: ticket.id, state: 'typing' });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.details?.errors?.[0]?.path).toBe('state');
    const key = await s.api.post<{ key: string }>('/api-keys', { name: 'contacts only', scopes: ['contacts:read'] });
    expect((await s.api.post('/presence', { ticketId: ticket.id, state: 'viewing' }, { key: key.body.data.key })).status).toBe(403);
  });

  it('sends presence only to streams that ask for it', async () => {
    const ticket = await buildTicket(s.api);
    const plain = await openSse(`${s.url}/api/v1/events/stream`, { 'X-API-Key': s.adminKey });
    const asking = await openSse(`${s.url}/api/v1/events/stream?include=presence`, { 'X-API-Key': s.adminKey });
    try {
      await s.api.post('/presence', { ticketId: ticket.id, state: 'viewing' });
      await asking.waitForUnnumbered('presence', (d) => d.includes(ticket.id));
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(plain.unnumbered).toEqual([]);
    } finally {
      plain.close();
      asking.close();
    }
    expect((await s.api.get('/events/stream?include=typing')).status).toBe(400);
  });
});
