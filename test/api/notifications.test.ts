// Notifications: made by the notifier from the event feed, stored per user, marked read, and
// sent live to their user only.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signedInAgent } from '../helpers/accounts.ts';
import { buildTicket } from '../helpers/factories.ts';
import { type ApiClient, type TestServer, startTestServer } from '../helpers/server.ts';
import { openSse } from '../helpers/sse.ts';

interface Note {
  id: string;
  kind: string;
  ticketId: string;
  title: string;
  body: string;
  read: boolean;
  actorUserId: string | null;
}

let s: TestServer;
let ada: Awaited<ReturnType<typeof signedInAgent>>;
let grace: Awaited<ReturnType<typeof signedInAgent>>;
beforeAll(async () => {
  s = await startTestServer({ config: { slaNotifyCheckMs: 100 } });
  ada = await signedInAgent(s, 'ada@example.com', 'Ada Lovelace');
  grace = await signedInAgent(s, 'grace@example.com', 'Grace Hopper');
});
afterAll(async () => {
  await s.close();
});

/** The caller's notifications once there are at least `count` matching `kind` (the notifier runs beside requests). */
async function waitFor(client: ApiClient, kind: string, count = 1): Promise<Note[]> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const res = await client.get<Note[]>(`/notifications?kind=${kind}&limit=100`);
    expect(res.status).toBe(200);
    if (res.body.data.length >= count || Date.now() > deadline) return res.body.data;
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
}

async function list(client: ApiClient, kind: string): Promise<Note[]> {
  return (await client.get<Note[]>(`/notifications?kind=${kind}&limit=100`)).body.data;
}

/** Lets the notifier catch up with everything committed so far. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

describe('notifications', () => {
  it('tells me when a teammate assigns me a ticket, not when I take it myself', async () => {
    const ticket = await buildTicket(s.api, { subject: 'Printer jam' });
    await grace.client.patch(`/tickets/${ticket.id}`, { assignedTo: ada.user.id });
    const [note] = await waitFor(ada.client, 'assigned');
    expect(note).toMatchObject({
      kind: 'assigned',
      ticketId: ticket.id,
      title: `#${ticket.number} Printer jam`,
      body: 'Grace Hopper assigned this ticket to you',
      actorUserId: grace.user.id,
      read: false,
    });
    const mine = await buildTicket(s.api);
    await ada.client.patch(`/tickets/${mine.id}`, { assignedTo: ada.user.id });
    await settle();
    expect(await list(ada.client, 'assigned')).toHaveLength(1);
    expect(await list(grace.client, 'assigned')).toHaveLength(0);
  });

  it('tells me when the customer replies on my ticket (not for the message the ticket starts with)', async () => {
    const ticket = await buildTicket(s.api, { assignedTo: grace.user.id });
    await s.api.post(`/tickets/${ticket.id}/messages`, { body: 'Still broken, please help', sender: 'customer' });
    const notes = await waitFor(grace.client, 'customer_replied');
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ ticketId: ticket.id, body: 'The customer replied: Still broken, please help' });
  });

  it('tells the people an internal note @mentions', async () => {
    const ticket = await buildTicket(s.api);
    await grace.client.post(`/tickets/${ticket.id}/messages`, { body: 'Can you look, @ada? cc @grace', internal: true });
    const [note] = await waitFor(ada.client, 'mentioned');
    expect(note).toMatchObject({ ticketId: ticket.id, body: 'Grace Hopper mentioned you: Can you look, @ada? cc @grace', actorUserId: grace.user.id });
    // Not the author, and not for a public reply.
    await grace.client.post(`/tickets/${ticket.id}/messages`, { body: 'Public reply to @ada', internal: false });
    await settle();
    expect(await list(grace.client, 'mentioned')).toHaveLength(0);
    expect(await list(ada.client, 'mentioned')).toHaveLength(1);
  });

  it('warns me once when my ticket is about to breach its SLA', async () => {
    const ticket = await buildTicket(s.api, { priority: 'urgent', assignedTo: grace.user.id });
    const notes = await waitFor(grace.client, 'sla_due');
    expect(notes.filter((n) => n.ticketId === ticket.id)).toHaveLength(1);
    expect(notes[0]?.body).toMatch(/^First response is due in \d+ minutes$/);
    await settle(); // several more checks ran
    expect((await list(grace.client, 'sla_due')).filter((n) => n.ticketId === ticket.id)).toHaveLength(1);
  });

  it('arrives live on my stream and never on anyone else’s', async () => {
    const headers = (cookie: string) => ({ Cookie: cookie, Accept: 'text/event-stream' });
    const adaStream = await openSse(`${s.url}/api/v1/events/stream?include=notifications&type=custom.none`, headers(ada.cookie));
    const graceStream = await openSse(`${s.url}/api/v1/events/stream?include=notifications&type=custom.none`, headers(grace.cookie));
    try {
      expect(adaStream.status).toBe(200);
      const ticket = await buildTicket(s.api, { subject: 'Live one' });
      await s.api.patch(`/tickets/${ticket.id}`, { assignedTo: ada.user.id });
      // Notifications carry no id: they are not events, and Last-Event-ID must not move.
      const message = await adaStream.waitForUnnumbered('notification', (data) => data.includes('Live one'));
      expect(JSON.parse(message.data ?? '')).toMatchObject({ kind: 'assigned', ticketId: ticket.id, read: false });
      await settle();
      expect(graceStream.unnumbered.filter((m) => m.data?.includes('Live one'))).toEqual([]);
    } finally {
      adaStream.close();
      graceStream.close();
    }
  });

  it('lists unread first by filter, marks read one or all, and keeps them to their user', async () => {
    const unread = await ada.client.get<Note[]>('/notifications?unread=true&limit=1');
    expect(unread.body.meta?.total).toBeGreaterThan(0);
    const id = unread.body.data[0]?.id ?? '';
    expect((await grace.client.patch(`/notifications/${id}`, { read: true })).status).toBe(404);
    expect((await grace.client.get(`/notifications/${id}`)).status).toBe(404);
    const marked = await ada.client.patch<Note>(`/notifications/${id}`, { read: true });
    expect(marked.body.data.read).toBe(true);
    const all = await ada.client.post<{ updated: number }>('/notifications/read-all');
    expect(all.body.data.updated).toBe((unread.body.meta?.total ?? 0) - 1);
    expect((await ada.client.get('/notifications?unread=true')).body.meta?.total).toBe(0);
    expect((await ada.client.patch(`/notifications/${id}`, { read: 'yes' })).status).toBe(400);
  });

  it('creates only the kinds I want', async () => {
    const prefs = await ada.client.get<{ kinds: string[]; browser: boolean }>('/notifications/preferences');
    expect(prefs.body.data).toEqual({ kinds: ['assigned', 'customer_replied', 'mentioned', 'sla_due'], browser: false });
    const changed = await ada.client.patch<{ kinds: string[]; browser: boolean }>('/notifications/preferences', { kinds: ['assigned'], browser: true });
    expect(changed.body.data).toEqual({ kinds: ['assigned'], browser: true });
    const before = (await list(ada.client, 'mentioned')).length;
    const ticket = await buildTicket(s.api);
    await grace.client.post(`/tickets/${ticket.id}/messages`, { body: '@ada once more', internal: true });
    await settle();
    expect(await list(ada.client, 'mentioned')).toHaveLength(before);
    expect((await ada.client.patch('/notifications/preferences', { kinds: ['nope'] })).status).toBe(400);
    expect((await ada.client.patch('/notifications/preferences', {})).status).toBe(400);
  });
});

