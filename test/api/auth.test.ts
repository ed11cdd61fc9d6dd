// Signing in as a person: the session cookie, CSRF, the failed-login throttle, sign-out, and what
// a session may do. Invitations are in invitations.test.ts, secrets in accountSecrets.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browser, invite, login, sessionCookieOf, signedInAgent, strongPassword } from '../helpers/accounts.ts';
import { buildTicket, buildUser } from '../helpers/factories.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';
import { hashPassword } from '../../server/domain/auth/passwords.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

/** Moves past the throttle window so one test's failures do not count against the next. */
function forgetFailures() {
  s.clock.advanceMinutes(16);
}

describe('POST /api/v1/auth/login', () => {
  it('sets an HttpOnly, SameSite=Strict, Path=/ session cookie (not Secure over plain HTTP)', async () => {
    const ada = await signedInAgent(s, 'ada.cookie@example.com', 'Ada Cookie');
    const { res, cookie } = await login(s, 'ADA.cookie@example.com');
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ user: { id: ada.user.id }, session: { id: expect.stringMatching(/^ses_/), current: true } });
    const { line } = sessionCookieOf(res);
    expect(line).toMatch(/^ldk_session=[A-Za-z0-9_-]{43}; /);
    expect(line).toMatch(/; path=\//i);
    expect(line).toMatch(/; httponly/i);
    expect(line).toMatch(/; samesite=strict/i);
    expect(line).toMatch(/; expires=/i);
    expect(line).not.toMatch(/; secure/i);
    const me = await browser(s, cookie).get<{ user: { id: string }; credential: { type: string; id: string }; scopes: string[] }>('/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.data.user.id).toBe(ada.user.id);
    expect(me.body.data.credential).toEqual({ type: 'session', id: res.body.data.session.id });
  });

  it('marks the cookie Secure when a trusted proxy says the request came over HTTPS', async () => {
    const proxied = await startTestServer({ config: { trustProxy: true } });
    try {
      const { token } = await invite(proxied.api, 'ada.tls@example.com');
      const res = await proxied.api.post('/invitations/accept', { token, name: 'Ada', password: strongPassword }, {
        key: null,
        headers: { 'X-Forwarded-Proto': 'https' },
      });
      expect(res.status).toBe(200);
      expect(sessionCookieOf(res).line).toMatch(/; secure/i);
    } finally {
      await proxied.close();
    }
  });

  it('ignores X-Forwarded-Proto when no proxy is configured', async () => {
    const { token } = await invite(s.api, 'ada.noproxy@example.com');
    const res = await s.api.post('/invitations/accept', { token, name: 'Ada', password: strongPassword }, {
      key: null,
      headers: { 'X-Forwarded-Proto': 'https' },
    });
    expect(res.status).toBe(200);
    expect(sessionCookieOf(res).line).not.toMatch(/; secure/i);
  });

  it('answers a wrong password and an unknown address alike, and records auth.login_failed without the password', async () => {
    forgetFailures();
    await signedInAgent(s, 'grace@example.com', 'Grace Hopper');
    const wrong = await login(s, 'grace@example.com', 'not the right password at all');
    const nobody = await login(s, 'nobody@example.com', 'not the right password at all');
    expect(wrong.res.status).toBe(401);
    expect(nobody.res.status).toBe(401);
    expect(wrong.res.body.error).toEqual(nobody.res.body.error);
    expect(wrong.res.body.error?.message).toBe('wrong e-mail address or password');
    expect(wrong.cookie).toBe('');
    const events = await s.api.get<{ type: string; data: Record<string, unknown> }[]>('/events?type=auth.login_failed&sortOrder=desc&limit=2');
    expect(events.body.data.map((e) => e.data.email)).toEqual(['nobody@example.com', 'grace@example.com']);
    expect(events.body.data[0]?.data).toMatchObject({ ip: expect.any(String) });
    expect(JSON.stringify(events.body.data)).not.toContain('not the right password');
  });

  it('refuses the 6th wrong password in 15 minutes with 429 and Retry-After, even a right one, per account', async () => {
    forgetFailures();
    await signedInAgent(s, 'linus@example.com', 'Linus');
    for (let i = 1; i <= 5; i++) {
      const { res } = await login(s, 'linus@example.com', `wrong password number ${i}`);
      expect(res.status, `attempt ${i}`).toBe(401);
      s.clock.advanceMinutes(1);
    }
    const sixth = await login(s, 'linus@example.com', strongPassword);
    expect(sixth.res.status).toBe(429);
    expect(sixth.res.body.error?.code).toBe('RATE_LIMITED');
    // The first failure was 5 minutes ago: it leaves the 15-minute window in 10 minutes.
    expect(sixth.res.headers.get('retry-after')).toBe('600');
    expect(sixth.cookie).toBe('');
    s.clock.advanceMinutes(10);
    const later = await login(s, 'linus@example.com', strongPassword);
    expect(later.res.status).toBe(200);
  });

  it('throttles a client address that tries many accounts', async () => {
    forgetFailures();
    for (let i = 1; i <= 5; i++) {
      const { res } = await login(s, `someone${i}@example.com`, 'a guess at a password');
      expect(res.status).toBe(401);
    }
    const sixth = await login(s, 'someone6@example.com', 'a guess at a password');
    expect(sixth.res.status).toBe(429);
    expect(Number(sixth.res.headers.get('retry-after'))).toBeGreaterThan(800);
  });

  it('keeps counting failures across a restart (they are stored)', async () => {
    const first = await startTestServer();
    for (let i = 1; i <= 5; i++) expect((await login(first, 'who@example.com', 'a guess at a password')).res.status).toBe(401);
    // A second server on the same database (the first one owns it, so it closes last).
    const copy = await startTestServer({
      dataDir: first.dataDir,
      clock: first.clock,
      ...(first.databaseUrl ? { databaseUrl: first.databaseUrl } : {}),
    });
    try {
      expect((await login(copy, 'who@example.com', 'a guess at a password')).res.status).toBe(429);
    } finally {
      await copy.close();
    }
    await first.close();
  });

  it('replaces a hash made with older scrypt parameters at the next sign-in', async () => {
    forgetFailures();
    const ada = await signedInAgent(s, 'ada.rehash@example.com', 'Ada Rehash');
    const old = await hashPassword(strongPassword, { N: 16384, r: 8, p: 1 });
    await s.db.updateTable('user_passwords').set({ hash: old }).where('user_id', '=', ada.user.id).execute();
    expect((await login(s, 'ada.rehash@example.com')).res.status).toBe(200);
    const stored = await s.db.selectFrom('user_passwords').select('hash').where('user_id', '=', ada.user.id).executeTakeFirstOrThrow();
    expect(stored.hash).toMatch(/^scrypt\$N=32768,r=8,p=1\$/);
    expect((await login(s, 'ada.rehash@example.com')).res.status).toBe(200);
  });

  it('rejects a malformed body with 400 naming the field', async () => {
    const res = await s.api.post('/auth/login', { email: '', password: '', remember: true }, { key: null });
    expect(res.status).toBe(400);
    expect(res.body.error?.details?.errors?.map((e) => e.path).sort()).toEqual(['email', 'password', 'remember']);
  });

  it('refuses a sign-in posted by another site’s page', async () => {
    forgetFailures();
    const res = await s.api.post('/auth/login', { email: 'grace@example.com', password: strongPassword }, {
      key: null,
      headers: { Origin: 'http://evil.example' },
    });
    expect(res.status).toBe(403);
  });
});

describe('a session', () => {
  it('acts with the agent role: reads and writes tickets, but not admin routes', async () => {
    const ada = await signedInAgent(s, 'ada.role@example.com', 'Ada Role');
    const ticket = await buildTicket(s.api);
    const patched = await ada.client.patch<{ assignedTo: string }>(`/tickets/${ticket.id}`, { assignedTo: ada.user.id });
    expect(patched.status).toBe(200);
    const users = await ada.client.post('/users', { name: 'X', email: 'x.role@example.com' });
    expect(users.status).toBe(403);
    expect(users.body.error?.message).toBe('your role does not grant the admin scope');
    const events = await s.api.get<{ actor: { type: string; id: string; userId: string } }[]>(
      `/events?resourceId=${ticket.id}&type=ticket.updated`,
    );
    expect(events.body.data[0]?.actor).toMatchObject({ type: 'user', id: ada.user.id, userId: ada.user.id });
    const me = await ada.client.get<{ scopes: string[] }>('/auth/me');
    expect(me.body.data.scopes).toEqual([
      'tickets:read', 'tickets:write', 'conversations:read', 'conversations:write',
      'contacts:read', 'contacts:write', 'analytics:read', 'events:read',
    ]);
  });

  it('reads no sign-in, session or invitation events in the feed; an admin reads them', async () => {
    forgetFailures();
    const ada = await signedInAgent(s, 'ada.feed@example.com', 'Ada Feed');
    await login(s, 'ada.feed@example.com', 'a wrong password for the feed');
    await invite(s.api, 'someone.feed@example.com');
    const types = ['auth.login_failed', 'auth.session_created', 'invitation.created'];
    for (const type of types) {
      const admin = await s.api.get<{ type: string }[]>(`/events?type=${type}`);
      expect(admin.body.data.length, type).toBeGreaterThan(0);
      const agent = await ada.client.get<{ type: string }[]>(`/events?type=${type}`);
      expect(agent.status).toBe(200);
      expect(agent.body.data, type).toEqual([]);
    }
    const mine = await ada.client.get<{ type: string }[]>('/events?limit=100');
    expect(mine.body.data.filter((e) => e.type.startsWith('auth.') || e.type.startsWith('invitation.'))).toEqual([]);
  });

  it("an admin's session holds admin", async () => {
    const boss = await signedInAgent(s, 'boss@example.com', 'Boss', 'admin');
    const res = await boss.client.post<{ id: string }>('/users', { name: 'New', email: 'new.by.boss@example.com' });
    expect(res.status).toBe(201);
  });

  it('refuses a write from another Origin, without the CSRF header, or with no Origin at all', async () => {
    const ada = await signedInAgent(s, 'ada.csrf@example.com', 'Ada Csrf');
    const ticket = await buildTicket(s.api);
    const evil = browser(s, ada.cookie, { Origin: 'http://evil.example' });
    const fromEvil = await evil.patch(`/tickets/${ticket.id}`, { priority: 'urgent' });
    expect(fromEvil.status).toBe(403);
    expect(fromEvil.body.error?.message).toContain('not http://evil.example');
    const sameSitePort = browser(s, ada.cookie, { Origin: 'http://127.0.0.1:1' });
    expect((await sameSitePort.patch(`/tickets/${ticket.id}`, { priority: 'urgent' })).status).toBe(403);
    const noHeader = await s.api.patch(`/tickets/${ticket.id}`, { priority: 'urgent' }, {
      key: null,
      headers: { Cookie: ada.cookie, Origin: s.url },
    });
    expect(noHeader.status).toBe(403);
    expect(noHeader.body.error?.message).toContain('X-LocalDesk-CSRF');
    const noOrigin = await s.api.patch(`/tickets/${ticket.id}`, { priority: 'urgent' }, {
      key: null,
      headers: { Cookie: ada.cookie, 'X-LocalDesk-CSRF': '1' },
    });
    expect(noOrigin.status).toBe(403);
    const viaReferer = await s.api.patch(`/tickets/${ticket.id}`, { priority: 'high' }, {
      key: null,
      headers: { Cookie: ada.cookie, Referer: `${s.url}/tickets/${ticket.id}`, 'X-LocalDesk-CSRF': '1' },
    });
    expect(viaReferer.status).toBe(200);
    expect((await s.api.get<{ priority: string }>(`/tickets/${ticket.id}`)).body.data.priority).toBe('high');
    // Reads need neither; API keys never do.
    expect((await evil.get(`/tickets/${ticket.id}`)).status).toBe(200);
    const withKey = await s.api.patch(`/tickets/${ticket.id}`, { priority: 'low' }, { headers: { Origin: 'http://evil.example' } });
    expect(withKey.status).toBe(200);
  });

  it('ends at sign-out: the cookie no longer works and the cookie is cleared', async () => {
    const ada = await signedInAgent(s, 'ada.out@example.com', 'Ada Out');
    expect((await ada.client.get('/auth/me')).status).toBe(200);
    const out = await ada.client.post('/auth/logout');
    expect(out.status).toBe(204);
    expect(sessionCookieOf(out).line).toMatch(/^ldk_session=;.*expires=Thu, 01 Jan 1970/i);
    const after = await ada.client.get('/auth/me');
    expect(after.status).toBe(401);
    expect(after.body.error?.message).toBe('your session has ended: sign in again');
    expect((await ada.client.post('/auth/logout')).status).toBe(204);
  });

  it('ends after 12 idle hours, and 30 days after sign-in however active', async () => {
    const ada = await signedInAgent(s, 'ada.idle@example.com', 'Ada Idle');
    s.clock.advanceMinutes(11 * 60);
    expect((await ada.client.get('/auth/me')).status).toBe(200);
    s.clock.advanceMinutes(11 * 60);
    expect((await ada.client.get('/auth/me')).status).toBe(200); // seen 11 h ago: still alive
    s.clock.advanceMinutes(12 * 60 + 1);
    const idle = await ada.client.get('/auth/me');
    expect(idle.status).toBe(401);
    expect(idle.body.error?.message).toContain('without use');

    forgetFailures();
    const { cookie } = await login(s, 'ada.idle@example.com');
    const active = browser(s, cookie);
    // Used every 11 hours for 29 days and 22 hours: never idle, and alive until day 30.
    for (let hours = 11; hours < 30 * 24; hours += 11) {
      s.clock.advanceMinutes(11 * 60);
      expect((await active.get('/auth/me')).status, `after ${hours} h`).toBe(200);
    }
    s.clock.advanceMinutes(11 * 60);
    const expired = await active.get('/auth/me');
    expect(expired.status).toBe(401);
    expect(expired.body.error?.message).toContain('expired');
  });

  it('lists my sessions with device, address and last seen, and ends one', async () => {
    forgetFailures();
    const ada = await signedInAgent(s, 'ada.list@example.com', 'Ada List');
    const second = await login(s, 'ada.list@example.com', strongPassword, { 'User-Agent': 'Firefox on the laptop' });
    const list = await ada.client.get<{ id: string; device: string; ip: string; current: boolean; lastSeenAt: string }[]>('/auth/sessions');
    expect(list.status).toBe(200);
    expect(list.body.meta?.total).toBe(2);
    const other = list.body.data.find((x) => !x.current);
    expect(other).toMatchObject({ device: 'Firefox on the laptop', ip: expect.stringMatching(/127\.0\.0\.1/) });
    expect(list.body.data.filter((x) => x.current)).toHaveLength(1);
    expect((await ada.client.delete(`/auth/sessions/${other?.id}`)).status).toBe(204);
    expect((await browser(s, second.cookie).get('/auth/me')).status).toBe(401);
    // Someone else's session is not there for an agent; an admin may list and end it.
    const grace = await signedInAgent(s, 'grace.list@example.com', 'Grace List');
    const graceSessions = await s.api.get<{ id: string }[]>(`/auth/sessions?userId=${grace.user.id}`);
    expect(graceSessions.body.data).toHaveLength(1);
    const id = graceSessions.body.data[0]?.id;
    expect((await ada.client.delete(`/auth/sessions/${id}`)).status).toBe(404);
    expect((await ada.client.get(`/auth/sessions?userId=${grace.user.id}`)).status).toBe(403);
    expect((await s.api.delete(`/auth/sessions/${id}`)).status).toBe(204);
    expect((await grace.client.get('/auth/me')).status).toBe(401);
  });

  it('an admin ends all of a user’s sessions at once', async () => {
    forgetFailures();
    const ada = await signedInAgent(s, 'ada.all@example.com', 'Ada All');
    const second = await login(s, 'ada.all@example.com');
    expect((await s.api.delete(`/users/${ada.user.id}/sessions`)).status).toBe(204);
    expect((await ada.client.get('/auth/me')).status).toBe(401);
    expect((await browser(s, second.cookie).get('/auth/me')).status).toBe(401);
  });

  it('deactivating the user ends their live session on the next request', async () => {
    const ada = await signedInAgent(s, 'ada.deactivated@example.com', 'Ada Deactivated');
    expect((await ada.client.get('/tickets')).status).toBe(200);
    expect((await s.api.patch(`/users/${ada.user.id}`, { active: false })).status).toBe(200);
    const next = await ada.client.get('/tickets');
    expect(next.status).toBe(401);
    expect(await s.db.selectFrom('sessions').select('id').where('user_id', '=', ada.user.id).execute()).toEqual([]);
    forgetFailures();
    expect((await login(s, 'ada.deactivated@example.com')).res.status).toBe(401);
  });

  it('keys Idempotency-Key records by the session', async () => {
    const ada = await signedInAgent(s, 'ada.idem@example.com', 'Ada Idem');
    const body = { subject: 'Twice', description: 'Once only', contactEmail: 'twice@example.com' };
    const first = await ada.client.post<{ id: string }>('/tickets', body, { headers: { 'Idempotency-Key': 'same-key-1' } });
    const again = await ada.client.post<{ id: string }>('/tickets', body, { headers: { 'Idempotency-Key': 'same-key-1' } });
    expect(first.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.data.id).toBe(first.body.data.id);
    // The same Idempotency-Key from another credential is its own request.
    const other = await s.api.post<{ id: string }>('/tickets', body, { headers: { 'Idempotency-Key': 'same-key-1' } });
    expect(other.status).toBe(201);
    expect(other.body.data.id).not.toBe(first.body.data.id);
  });

  it('carries its own rate limit headers', async () => {
    const ada = await signedInAgent(s, 'ada.rate@example.com', 'Ada Rate');
    const res = await ada.client.get('/tickets');
    expect(res.headers.get('x-ratelimit-limit')).toBe('6000');
  });
});

describe('POST /api/v1/users/:id/password', () => {
  it('changes my own password with the current one, ending my other sessions only', async () => {
    forgetFailures();
    const ada = await signedInAgent(s, 'ada.pw@example.com', 'Ada Pw');
    const other = await login(s, 'ada.pw@example.com');
    const missing = await ada.client.post(`/users/${ada.user.id}/password`, { password: 'a brand new passphrase' });
    expect(missing.status).toBe(400);
    expect(missing.body.error?.details?.errors?.[0]?.path).toBe('currentPassword');
    const wrong = await ada.client.post(`/users/${ada.user.id}/password`, { password: 'a brand new passphrase', currentPassword: 'nope nope nope' });
    expect(wrong.status).toBe(400);
    const res = await ada.client.post<{ sessionsEnded: number }>(`/users/${ada.user.id}/password`, {
      password: 'a brand new passphrase',
      currentPassword: strongPassword,
    });
    expect(res.status).toBe(200);
    expect(res.body.data.sessionsEnded).toBe(1);
    expect((await ada.client.get('/auth/me')).status).toBe(200);
    expect((await browser(s, other.cookie).get('/auth/me')).status).toBe(401);
    expect((await login(s, 'ada.pw@example.com')).res.status).toBe(401);
    expect((await login(s, 'ada.pw@example.com', 'a brand new passphrase')).res.status).toBe(200);
  });

  it('lets an admin reset a password, which ends all that user’s sessions', async () => {
    forgetFailures();
    const ada = await signedInAgent(s, 'ada.reset@example.com', 'Ada Reset');
    const res = await s.api.post<{ sessionsEnded: number }>(`/users/${ada.user.id}/password`, { password: 'set by the admin today' });
    expect(res.status).toBe(200);
    expect(res.body.data.sessionsEnded).toBe(1);
    expect((await ada.client.get('/auth/me')).status).toBe(401);
    expect((await login(s, 'ada.reset@example.com', 'set by the admin today')).res.status).toBe(200);
  });

  it("refuses an agent changing someone else's password, and weak passwords", async () => {
    const ada = await signedInAgent(s, 'ada.weak@example.com', 'Ada Weak');
    const grace = await buildUser(s.api);
    expect((await ada.client.post(`/users/${grace.id}/password`, { password: 'a brand new passphrase' })).status).toBe(403);
    const cases: [string, string][] = [
      ['short', 'at least 10 characters'],
      ['1234567890', 'most common passwords'],
      ['qwertyuiop', 'most common passwords'],
      ['aaaaaaaaaaaa', 'single character'],
      ['ada.weak@example.com', 'e-mail address or name'],
    ];
    for (const [password, message] of cases) {
      const res = await ada.client.post(`/users/${ada.user.id}/password`, { password, currentPassword: strongPassword });
      expect(res.status, password).toBe(400);
      expect(res.body.error?.message, password).toContain(message);
    }
  });

  it('lets a user without a password (the first admin) set one and then sign in with it', async () => {
    forgetFailures();
    const me = await s.api.get<{ id: string; email: string }>('/users/me');
    const res = await s.api.post(`/users/${me.body.data.id}/password`, { password: 'the admin passphrase' });
    expect(res.status).toBe(200);
    const { res: signIn } = await login(s, me.body.data.email, 'the admin passphrase');
    expect(signIn.status).toBe(200);
  });

  it('404s for an unknown user', async () => {
    const res = await s.api.post('/users/usr_01ARZ3NDEKTSV4RRFFQ69G5FAV/password', { password: 'whatever it is now' });
    expect(res.status).toBe(404);
  });
});


describe('PATCH /api/v1/users/me', () => {
  it('lets anyone rename themselves, and nothing more', async () => {
    const ada = await signedInAgent(s, 'ada.rename@example.com', 'Ada Rename');
    const res = await ada.client.patch<{ name: string; role: string }>('/users/me', { name: 'Ada R. Lovelace' });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ name: 'Ada R. Lovelace', role: 'agent' });
    expect((await ada.client.patch('/users/me', { role: 'admin' })).status).toBe(400);
    expect((await ada.client.patch(`/users/${ada.user.id}`, { name: 'Via id' })).status).toBe(403);
  });
});
