import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKey, buildTicket, buildUser, type TicketData, type UserData } from '../helpers/factories.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';

interface User extends UserData {
  createdAt: string;
  updatedAt: string;
}

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

const errorPaths = (res: { body: { error: { details?: { errors?: { path: string }[] } } | null } }) =>
  (res.body.error?.details?.errors ?? []).map((e) => e.path);

describe('POST /api/v1/users', () => {
  it('creates an active agent by default, trimming the name and lower-casing the email', async () => {
    const res = await s.api.post<User>('/users', { name: '  Ada Lovelace ', email: ' Ada@Example.COM ' });
    expect(res.status).toBe(201);
    expect(res.body.data.id).toMatch(/^usr_[0-9A-Z]{26}$/);
    expect(res.body.data).toMatchObject({
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      role: 'agent',
      active: true,
      createdAt: s.clock.now().toISOString(),
      updatedAt: s.clock.now().toISOString(),
    });
    const got = await s.api.get<User>(`/users/${res.body.data.id}`);
    expect(got.status).toBe(200);
    expect(got.body.data).toEqual(res.body.data);
  });

  it('creates an admin when asked', async () => {
    const user = await buildUser(s.api, { role: 'admin' });
    expect(user.role).toBe('admin');
  });

  it('rejects a duplicate email in any case with 409', async () => {
    await buildUser(s.api, { email: 'dup@example.com' });
    const res = await s.api.post('/users', { name: 'Other', email: 'DUP@Example.com' });
    expect(res.status).toBe(409);
    expect(res.body.error?.code).toBe('CONFLICT');
    expect(res.body.error?.message).toContain('dup@example.com');
  });

  it('lists every problem of a bad body, unknown fields included', async () => {
    const res = await s.api.post('/users', { name: ' ', email: 'nope', role: 'boss', id: 'usr_x', active: false });
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('BAD_REQUEST');
    expect(errorPaths(res).sort()).toEqual(['active', 'email', 'id', 'name', 'role']);
  });

  it('requires name and email', async () => {
    const res = await s.api.post('/users', {});
    expect(res.status).toBe(400);
    expect(errorPaths(res).sort()).toEqual(['email', 'name']);
  });
});

describe('GET /api/v1/users', () => {
  it('lists users with meta, filtered by role and active, sorted by name', async () => {
    const zed = await buildUser(s.api, { name: 'zed Filtered', role: 'agent' });
    const amy = await buildUser(s.api, { name: 'Amy Filtered', role: 'agent' });
    await s.api.patch(`/users/${zed.id}`, { active: false });

    const all = await s.api.get<User[]>('/users?limit=100');
    expect(all.status).toBe(200);
    expect(all.body.meta).toEqual({ total: all.body.data.length, limit: 100, offset: 0 });

    const admins = await s.api.get<User[]>('/users?role=admin&limit=100');
    expect(admins.body.data.length).toBeGreaterThan(0);
    expect(admins.body.data.every((u) => u.role === 'admin')).toBe(true);

    const inactive = await s.api.get<User[]>('/users?active=false');
    expect(inactive.body.data.map((u) => u.id)).toEqual([zed.id]);
    expect(inactive.body.meta?.total).toBe(1);

    const active = await s.api.get<User[]>('/users?active=true&role=agent&limit=100');
    expect(active.body.data.every((u) => u.active && u.role === 'agent')).toBe(true);
    expect(active.body.data.map((u) => u.id)).toContain(amy.id);

    const byName = await s.api.get<User[]>('/users?sortBy=name&sortOrder=asc&limit=100');
    const names = byName.body.data.map((u) => u.name);
    const folded = names.map((n) => n.toLowerCase()); // SQLite NOCASE folds ASCII only
    expect(folded).toEqual([...folded].sort());
    expect(names.indexOf('Amy Filtered')).toBeLessThan(names.indexOf('zed Filtered'));
  });

  it('pages without overlap', async () => {
    const first = await s.api.get<User[]>('/users?limit=2&offset=0&sortOrder=asc');
    const second = await s.api.get<User[]>('/users?limit=2&offset=2&sortOrder=asc');
    const ids = [...first.body.data, ...second.body.data].map((u) => u.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(second.body.meta).toMatchObject({ limit: 2, offset: 2 });
  });

  it.each([
    ['active=yes', 'active'],
    ['role=owner', 'role'],
    ['sortBy=email', 'sortBy'],
    ['limit=0', 'limit'],
    ['search=x', 'search'],
  ])('rejects %s with 400 naming the parameter', async (query, path) => {
    const res = await s.api.get(`/users?${query}`);
    expect(res.status).toBe(400);
    expect(errorPaths(res)).toEqual([path]);
  });
});

describe('GET /api/v1/users/:id', () => {
  it.each([
    ['an unknown id', 'usr_01JQ0000000000000000000000'],
    ['a SQL-looking id', encodeURIComponent("' OR 1=1 --")],
    ['a 500-character id', 'x'.repeat(500)],
  ])('answers %s with 404', async (_label, id) => {
    const res = await s.api.get(`/users/${id}`);
    expect(res.status).toBe(404);
    expect(res.body.error?.code).toBe('NOT_FOUND');
  });
});

describe('GET /api/v1/users/me', () => {
  it("returns the admin key's user", async () => {
    const res = await s.api.get<User>('/users/me');
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ role: 'admin', email: 'admin@localhost', active: true });
  });

  it("returns an agent's own user for the agent's key, which may read the team but not change it", async () => {
    const agent = await buildUser(s.api, { name: 'Reader' });
    const { key } = await buildKey(s.api, ['tickets:read'], { userId: agent.id });

    const me = await s.api.get<User>('/users/me', { key });
    expect(me.status).toBe(200);
    expect(me.body.data).toMatchObject({ id: agent.id, name: 'Reader', role: 'agent' });
    expect((await s.api.get('/users', { key })).status).toBe(200);
    expect((await s.api.get(`/users/${agent.id}`, { key })).status).toBe(200);

    for (const res of [
      await s.api.post('/users', { name: 'X', email: 'x@example.com' }, { key }),
      await s.api.patch(`/users/${agent.id}`, { name: 'Promoted myself' }, { key }),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.error?.code).toBe('FORBIDDEN');
      expect(res.body.error?.details).toMatchObject({ required: 'admin', granted: ['tickets:read'] });
    }
  });
});

describe('PATCH /api/v1/users/:id', () => {
  it('changes only the given fields and moves updatedAt', async () => {
    const user = await buildUser(s.api, { name: 'Before' });
    s.clock.advanceMinutes(5);
    const res = await s.api.patch<User>(`/users/${user.id}`, { name: ' After ', email: 'After@Example.com' });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ id: user.id, name: 'After', email: 'after@example.com', role: 'agent', active: true });
    expect(res.body.data.updatedAt).toBe(s.clock.now().toISOString());
    expect(res.body.data.updatedAt > res.body.data.createdAt).toBe(true);

    const promoted = await s.api.patch<User>(`/users/${user.id}`, { role: 'admin' });
    expect(promoted.body.data).toMatchObject({ role: 'admin', name: 'After' });
  });

  it('accepts its own email again but refuses another user\'s with 409', async () => {
    const a = await buildUser(s.api);
    const b = await buildUser(s.api);
    expect((await s.api.patch(`/users/${a.id}`, { email: a.email.toUpperCase() })).status).toBe(200);
    const res = await s.api.patch(`/users/${a.id}`, { email: b.email });
    expect(res.status).toBe(409);
    expect(res.body.error?.code).toBe('CONFLICT');
  });

  it('rejects an empty body, unknown fields and bad values with 400', async () => {
    const user = await buildUser(s.api);
    const empty = await s.api.patch(`/users/${user.id}`, {});
    expect(empty.status).toBe(400);
    const bad = await s.api.patch(`/users/${user.id}`, { active: 'no', role: 'root', createdAt: 'x' });
    expect(bad.status).toBe(400);
    expect(errorPaths(bad).sort()).toEqual(['active', 'createdAt', 'role']);
  });

  it('answers an unknown id with 404', async () => {
    const res = await s.api.patch('/users/usr_01JQ0000000000000000000000', { name: 'Nobody' });
    expect(res.status).toBe(404);
  });
});

describe('deactivating a user', () => {
  it('keeps their tickets, stops their keys and refuses new assignments', async () => {
    const agent = await buildUser(s.api);
    const { key } = await buildKey(s.api, ['tickets:read'], { userId: agent.id });
    const ticket = await buildTicket(s.api, { assignedTo: agent.id });
    const other = await buildTicket(s.api);
    expect((await s.api.get('/tickets', { key })).status).toBe(200);

    const res = await s.api.patch<User>(`/users/${agent.id}`, { active: false });
    expect(res.status).toBe(200);
    expect(res.body.data.active).toBe(false);

    const denied = await s.api.get('/tickets', { key });
    expect(denied.status).toBe(401);
    expect(denied.body.error?.code).toBe('UNAUTHORIZED');
    expect((await s.api.get<TicketData>(`/tickets/${ticket.id}`)).body.data.assignedTo).toBe(agent.id);
    expect((await s.api.get<User>(`/users/${agent.id}`)).body.data.active).toBe(false);

    const assign = await s.api.patch(`/tickets/${other.id}`, { assignedTo: agent.id });
    expect(assign.status).toBe(400);
    expect(errorPaths(assign)).toEqual(['assignedTo']);

    // Reactivation restores the key: deactivation is reversible, nothing was deleted.
    expect((await s.api.patch(`/users/${agent.id}`, { active: true })).status).toBe(200);
    expect((await s.api.get('/tickets', { key })).status).toBe(200);
  });
});

describe('the last active admin', () => {
  // A server of its own: here the bootstrap administrator starts as the only admin.
  let g: TestServer;
  beforeAll(async () => {
    g = await startTestServer();
  });
  afterAll(async () => {
    await g.close();
  });

  it('cannot be demoted or deactivated until another admin exists', async () => {
    const first = (await g.api.get<User>('/users/me')).body.data;
    for (const patch of [{ role: 'agent' }, { active: false }, { role: 'agent', active: false }]) {
      const res = await g.api.patch(`/users/${first.id}`, patch);
      expect(res.status).toBe(409);
      expect(res.body.error?.code).toBe('CONFLICT');
      expect(res.body.error?.message).toMatch(/last active admin/);
    }
    expect((await g.api.get<User>(`/users/${first.id}`)).body.data).toMatchObject({ role: 'admin', active: true });

    // A deactivated admin does not count as someone who can administer.
    const dormant = await buildUser(g.api, { role: 'admin' });
    await buildUser(g.api, { role: 'agent' });
    const second = await buildUser(g.api, { role: 'admin' });
    const { key: secondKey } = await buildKey(g.api, ['admin'], { userId: second.id });
    expect((await g.api.patch(`/users/${dormant.id}`, { active: false })).status).toBe(200);

    const demoted = await g.api.patch<User>(`/users/${first.id}`, { role: 'agent' });
    expect(demoted.status).toBe(200);
    expect(demoted.body.data.role).toBe('agent');

    // The demoted user's admin-scoped key no longer grants admin, but still authenticates.
    const forbidden = await g.api.post('/users', { name: 'X', email: 'x@example.com' });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error?.details).toMatchObject({ required: 'admin', granted: [] });
    expect((await g.api.get<User>('/users/me')).body.data.role).toBe('agent');

    // Now the second admin is the last one.
    const last = await g.api.patch(`/users/${second.id}`, { active: false }, { key: secondKey });
    expect(last.status).toBe(409);

    // Promoting the first back restores its key's admin scope; then the second may go.
    expect((await g.api.patch(`/users/${first.id}`, { role: 'admin' }, { key: secondKey })).status).toBe(200);
    expect((await g.api.post('/users', { name: 'Y', email: 'y@example.com' })).status).toBe(201);
    expect((await g.api.patch(`/users/${second.id}`, { active: false })).status).toBe(200);
  });
});

describe('GET /api/v1/auth/me', () => {
  it('says who calls and with which scopes, for any valid key', async () => {
    const res = await s.api.get<{ user: { email: string; role: string }; scopes: string[]; credential: { type: string; id: string } }>('/auth/me');
    expect(res.status).toBe(200);
    expect(res.body.data.user).toMatchObject({ role: 'admin' });
    expect(res.body.data.scopes).toEqual(['admin']);
    expect(res.body.data.credential).toEqual({ type: 'apiKey', id: expect.stringMatching(/^key_/) });

    const agent = await s.api.post<{ id: string }>('/users', { name: 'Whoami Agent', email: 'whoami@example.com', role: 'agent' });
    const key = await s.api.post<{ id: string; key: string }>('/api-keys', {
      name: 'reader',
      scopes: ['tickets:read', 'contacts:read'],
      userId: agent.body.data.id,
    });
    const mine = await s.api.get<{ user: { id: string }; scopes: string[]; credential: { id: string } }>('/auth/me', { key: key.body.data.key });
    expect(mine.body.data).toMatchObject({
      user: { id: agent.body.data.id },
      scopes: ['tickets:read', 'contacts:read'],
      credential: { id: key.body.data.id },
    });
    expect((await s.api.get('/auth/me', { key: null })).status).toBe(401);
  });
});
