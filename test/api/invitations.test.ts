// Invitations: a one-time link an admin hands to a teammate, who picks a name and a password.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accept, browser, invite, login, strongPassword, tokenOf } from '../helpers/accounts.ts';
import { buildKey, buildUser } from '../helpers/factories.ts';
import { type TestServer, rawRequest, startTestServer } from '../helpers/server.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

describe('POST /api/v1/invitations', () => {
  it('returns a link on the address the admin used, valid 7 days, whose token is stored only hashed', async () => {
    const res = await s.api.post<{ id: string; url: string; expiresAt: string; status: string; role: string }>('/invitations', {
      email: 'Ada@Example.com',
      role: 'agent',
    });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ id: expect.stringMatching(/^inv_/), status: 'pending', role: 'agent', email: 'ada@example.com' });
    expect(res.body.data.expiresAt).toBe('2026-03-09T09:00:00.000Z');
    expect(res.body.data.url.startsWith(`${s.url}/accept-invite#token=`)).toBe(true);
    const token = tokenOf(res.body.data.url);
    const stored = await s.db.selectFrom('invitations').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(token);
    // Nowhere else either: not in the listing, nor in the event.
    expect((await s.api.get('/invitations')).text).not.toContain(token);
    expect((await s.api.get('/events?type=invitation.created')).text).not.toContain(token);
  });

  it('uses the LAN name teammates reach when shared on the LAN and browsed from the host', async () => {
    const lan = await startTestServer({ config: { host: '0.0.0.0', allowedHosts: ['desk.office.lan'] } });
    try {
      const fromHost = await invite(lan.api, 'a@example.com');
      expect(fromHost.url.startsWith(`http://desk.office.lan:${lan.port}/accept-invite#token=`)).toBe(true);
      // An admin already on a LAN name gets that name back.
      const res = await rawRequest(`${lan.url}/api/v1/invitations`, {
        method: 'POST',
        headers: { Host: `desk.office.lan:${lan.port}`, 'X-API-Key': lan.adminKey, 'Content-Type': 'application/json' },
        body: JSON.stringify({ email: 'b@example.com' }),
      });
      expect((JSON.parse(res.text) as { data: { url: string } }).data.url.startsWith(`http://desk.office.lan:${lan.port}/`)).toBe(true);
    } finally {
      await lan.close();
    }
    const local = await invite(s.api, 'bound.local@example.com');
    expect(local.url.startsWith(`${s.url}/accept-invite#`)).toBe(true);
  });

  it('is for admins only, and refuses a member or a second pending invitation with 409', async () => {
    const agentKey = await buildKey(s.api, ['tickets:read', 'tickets:write']);
    expect((await s.api.post('/invitations', { email: 'x@example.com' }, { key: agentKey.key })).status).toBe(403);
    await invite(s.api, 'twice@example.com');
    const again = await s.api.post('/invitations', { email: 'twice@example.com' });
    expect(again.status).toBe(409);
    expect(again.body.error?.details?.invitationId).toMatch(/^inv_/);
    const { token } = await invite(s.api, 'member@example.com');
    expect((await accept(s, token, 'Member')).res.status).toBe(200);
    const member = await s.api.post('/invitations', { email: 'member@example.com' });
    expect(member.status).toBe(409);
    expect(member.body.error?.message).toContain('already has an account');
    const bad = await s.api.post('/invitations', { email: 'nope', role: 'owner' });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.details?.errors?.map((e) => e.path).sort()).toEqual(['email', 'role']);
  });

  it('replays with Idempotency-Key without the link', async () => {
    const first = await s.api.post<{ id: string; url: string }>('/invitations', { email: 'idem@example.com' }, { headers: { 'Idempotency-Key': 'inv-1' } });
    const again = await s.api.post<{ id: string; url: string | null }>('/invitations', { email: 'idem@example.com' }, { headers: { 'Idempotency-Key': 'inv-1' } });
    expect(again.body.data.id).toBe(first.body.data.id);
    expect(again.body.data.url).toBeNull();
    const stored = await s.db.selectFrom('idempotency_keys').select('response').execute();
    expect(JSON.stringify(stored)).not.toContain(tokenOf(first.body.data.url));
  });
});

describe('POST /api/v1/invitations/accept', () => {
  it('creates the user with the invited role and signs them in', async () => {
    const inv = await invite(s.api, 'grace@example.com', 'admin');
    const { res, cookie } = await accept(s, inv.token, 'Grace Hopper');
    expect(res.status).toBe(200);
    expect(res.body.data.user).toMatchObject({ name: 'Grace Hopper', email: 'grace@example.com', role: 'admin' });
    expect(cookie).toMatch(/^ldk_session=/);
    const me = await browser(s, cookie).get<{ user: { id: string } }>('/auth/me');
    expect(me.body.data.user.id).toBe(res.body.data.user.id);
    const listed = await s.api.get<{ id: string; status: string; userId: string }[]>('/invitations?status=accepted');
    expect(listed.body.data.find((i) => i.id === inv.id)).toMatchObject({ status: 'accepted', userId: res.body.data.user.id });
    const events = await s.api.get<{ type: string }[]>('/events?type=auth.session_created&sortOrder=desc&limit=1');
    expect(events.body.data[0]?.type).toBe('auth.session_created');
  });

  it('refuses a reused invitation', async () => {
    const inv = await invite(s.api, 'reuse@example.com');
    expect((await accept(s, inv.token, 'First')).res.status).toBe(200);
    const again = await accept(s, inv.token, 'Second');
    expect(again.res.status).toBe(409);
    expect(again.res.body.error?.message).toContain('already been used');
    expect(again.cookie).toBe('');
  });

  it('refuses an expired invitation, after 7 days', async () => {
    const inv = await invite(s.api, 'late@example.com');
    s.clock.advanceDays(7);
    const res = await accept(s, inv.token, 'Late');
    expect(res.res.status).toBe(409);
    expect(res.res.body.error?.details).toEqual({ status: 'expired' });
    expect((await s.api.get<{ status: string }>(`/invitations/${inv.id}`)).body.data.status).toBe('expired');
    // An expired invitation can be sent again: a new link, 7 more days.
    const resent = await s.api.post<{ url: string; status: string }>(`/invitations/${inv.id}/resend`);
    expect(resent.status).toBe(200);
    expect(resent.body.data.status).toBe('pending');
    expect((await accept(s, tokenOf(resent.body.data.url), 'Late')).res.status).toBe(200);
  });

  it('a resend kills the old link; a revoke kills the link', async () => {
    const inv = await invite(s.api, 'resent@example.com');
    const resent = await s.api.post<{ url: string }>(`/invitations/${inv.id}/resend`);
    const old = await accept(s, inv.token, 'Old link');
    expect(old.res.status).toBe(404);
    expect(old.res.body.error?.message).toContain('not valid');
    expect((await s.api.delete(`/invitations/${inv.id}`)).status).toBe(204);
    const revoked = await accept(s, tokenOf(resent.body.data.url), 'Revoked');
    expect(revoked.res.status).toBe(409);
    expect(revoked.res.body.error?.details).toEqual({ status: 'revoked' });
    expect((await s.api.delete(`/invitations/${inv.id}`)).status).toBe(204);
    expect((await s.api.post(`/invitations/${inv.id}/resend`)).status).toBe(409);
  });

  it('refuses a weak password and a garbage token, creating nothing', async () => {
    const inv = await invite(s.api, 'weak@example.com');
    const weak = await accept(s, inv.token, 'Weak', 'password1');
    expect(weak.res.status).toBe(400);
    expect(weak.res.body.error?.details?.errors?.[0]?.path).toBe('password');
    const common = await accept(s, inv.token, 'Weak', '1234567890');
    expect(common.res.status).toBe(400);
    expect(await s.db.selectFrom('users').select('id').where('email', '=', 'weak@example.com').execute()).toEqual([]);
    expect((await accept(s, 'x'.repeat(43), 'Nobody')).res.status).toBe(404);
    expect((await accept(s, 'short', 'Nobody')).res.status).toBe(404);
    expect((await accept(s, inv.token, 'Weak', strongPassword)).res.status).toBe(200);
  });

  it('completes and activates an existing user without a password', async () => {
    const made = await buildUser(s.api, { name: 'Made By Api', email: 'existing@example.com' });
    await s.api.patch(`/users/${made.id}`, { active: false });
    const inv = await invite(s.api, 'existing@example.com', 'admin');
    const { res } = await accept(s, inv.token, 'Now With Password');
    expect(res.status).toBe(200);
    expect(res.body.data.user).toMatchObject({ id: made.id, name: 'Now With Password', role: 'admin', active: true });
    expect((await login(s, 'existing@example.com')).res.status).toBe(200);
  });
});

describe('GET /api/v1/invitations', () => {
  it('filters by status and 404s an unknown id', async () => {
    const res = await s.api.get<{ status: string }[]>('/invitations?status=pending,expired');
    expect(res.status).toBe(200);
    expect(res.body.data.every((i) => ['pending', 'expired'].includes(i.status))).toBe(true);
    expect((await s.api.get('/invitations?status=weird')).status).toBe(400);
    expect((await s.api.get('/invitations/inv_01ARZ3NDEKTSV4RRFFQ69G5FAV')).status).toBe(404);
  });
});
