// People signed in on an install of two nodes sharing one PostgreSQL database, as behind a load
// balancer: a session made through one node works on the other, the sign-in throttle counts
// failures from both, deactivating someone on one node ends their session on the other at its
// next request, and a notification made by whichever node's notifier is listed on both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accept, browser, invite, login, strongPassword } from '../helpers/accounts.ts';
import { buildTicket } from '../helpers/factories.ts';
import { type ApiClient, type TestServer, apiClient, startTestServer } from '../helpers/server.ts';

let a: TestServer;
let b: TestServer;
/** Node B with node A's admin key: one install, two doors. */
let bApi: ApiClient;

beforeAll(async () => {
  a = await startTestServer();
  if (!a.databaseUrl) throw new Error('these tests need PostgreSQL');
  b = await startTestServer({ databaseUrl: a.databaseUrl, clock: a.clock });
  bApi = apiClient(b.url, a.adminKey);
});

afterAll(async () => {
  await b?.close();
  await a?.close();
});

async function waitFor<T>(fn: () => Promise<T | null>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('waitFor: timed out');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('accounts on two nodes', () => {
  it('a session made through one node works on the other, and deactivation on either ends it', async () => {
    const { token } = await invite(a.api, 'ada.nodes@example.com');
    const accepted = await accept(b, token, 'Ada Nodes');
    expect(accepted.res.status).toBe(200);
    const onA = browser(a, accepted.cookie);
    const onB = browser(b, accepted.cookie);
    const me = await onA.get<{ user: { id: string }; credential: { type: string } }>('/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.data.credential.type).toBe('session');
    const ticket = await buildTicket(a.api);
    expect((await onB.patch(`/tickets/${ticket.id}`, { priority: 'high' })).status).toBe(200);

    const off = await bApi.patch(`/users/${me.body.data.user.id}`, { active: false });
    expect(off.status).toBe(200);
    expect((await onA.get('/auth/me')).status).toBe(401);
    expect((await onB.get('/auth/me')).status).toBe(401);
  });

  it('counts failed sign-ins from both nodes towards one throttle', async () => {
    const { token } = await invite(a.api, 'grace.nodes@example.com');
    expect((await accept(a, token, 'Grace Nodes')).res.status).toBe(200);
    for (let i = 1; i <= 5; i++) {
      const node = i % 2 === 0 ? a : b;
      expect((await login(node, 'grace.nodes@example.com', `wrong guess ${i}`)).res.status, `attempt ${i}`).toBe(401);
    }
    const sixth = await login(a, 'grace.nodes@example.com', strongPassword);
    expect(sixth.res.status).toBe(429);
    expect(Number(sixth.res.headers.get('retry-after'))).toBeGreaterThan(0);
    a.clock.advanceMinutes(16);
    expect((await login(b, 'grace.nodes@example.com', strongPassword)).res.status).toBe(200);
  });

  it('lists a notification on both nodes, whichever node made it, once', async () => {
    const { token } = await invite(a.api, 'linus.nodes@example.com');
    const accepted = await accept(a, token, 'Linus Nodes');
    const linusId = accepted.res.body.data.user.id;
    const ticket = await buildTicket(a.api);
    expect((await bApi.patch(`/tickets/${ticket.id}`, { assignedTo: linusId })).status).toBe(200);
    type Listed = { kind: string; ticketId: string }[];
    const onA = browser(a, accepted.cookie);
    const onB = browser(b, accepted.cookie);
    const listed = await waitFor(async () => {
      const res = await onA.get<Listed>(`/notifications?kind=assigned`);
      return res.body.data.some((n) => n.ticketId === ticket.id) ? res.body.data : null;
    });
    expect(listed.filter((n) => n.ticketId === ticket.id)).toHaveLength(1);
    const fromB = await onB.get<Listed>('/notifications?kind=assigned');
    expect(fromB.body.data.filter((n) => n.ticketId === ticket.id)).toHaveLength(1);
  });
});
