import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKey, buildUser } from '../helpers/factories.ts';
import { type ApiResponse, type TestServer, startTestServer } from '../helpers/server.ts';

interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  userId: string;
  rateLimitPerMinute: number | null;
  lastUsedAt: string | null;
  createdAt: string;
  revokedAt: string | null;
  key?: string;
}

let s: TestServer;
let adminUserId: string;
beforeAll(async () => {
  s = await startTestServer();
  adminUserId = (await s.api.get<{ id: string }>('/users/me')).body.data.id;
});
afterAll(async () => {
  await s.close();
});

const errorPaths = (res: ApiResponse) => (res.body.error?.details?.errors ?? []).map((e) => e.path);

describe('POST /api/v1/api-keys', () => {
  it("creates a key for the caller's user whose secret works at once, by either header", async () => {
    const res = await s.api.post<ApiKey>('/api-keys', { name: ' CI ', scopes: ['tickets:read'] });
    expect(res.status).toBe(201);
    const created = res.body.data;
    expect(created.id).toMatch(/^key_[0-9A-Z]{26}$/);
    expect(created.key).toMatch(/^ldk_[0-9A-Za-z]{40}$/);
    expect(created).toMatchObject({
      name: 'CI',
      prefix: created.key?.slice(0, 8),
      scopes: ['tickets:read'],
      userId: adminUserId,
      rateLimitPerMinute: null,
      lastUsedAt: null,
      createdAt: s.clock.now().toISOString(),
      revokedAt: null,
    });
    const key = created.key ?? '';
    expect((await s.api.get('/tickets', { key })).status).toBe(200);
    const bearer = await s.api.get('/tickets', { key: null, headers: { Authorization: `Bearer ${key}` } });
    expect(bearer.status).toBe(200);
    // The scopes are enforced: this key may read tickets, not write them.
    expect((await s.api.post('/tickets', { subject: 's', description: 'd', contactEmail: 'a@b.co' }, { key })).status).toBe(403);
  });

  it('stores only the SHA-256 of the secret, and never returns the secret again', async () => {
    const { id, key } = await buildKey(s.api, ['contacts:read']);
    const row = await s.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const stored = JSON.stringify(row);
    expect(stored).not.toContain(key);
    expect(stored).not.toContain(key.slice(8)); // only the 8-character prefix is kept in clear
    expect(row.key_hash).toBe(createHash('sha256').update(key).digest('hex'));
    expect(row.prefix).toBe(key.slice(0, 8));

    const list = await s.api.get<ApiKey[]>('/api-keys?limit=100');
    const one = await s.api.get<ApiKey>(`/api-keys/${id}`);
    expect(one.status).toBe(200);
    for (const res of [list, one]) expect(res.text).not.toContain(key.slice(8));
    expect(list.body.data.every((k) => !('key' in k))).toBe(true);
    expect('key' in one.body.data).toBe(false);
  });

  it('creates a key for another user, with its own rate limit', async () => {
    const agent = await buildUser(s.api);
    const res = await s.api.post<ApiKey>('/api-keys', {
      name: 'agent key',
      scopes: ['tickets:read', 'tickets:write'],
      userId: agent.id,
      rateLimitPerMinute: 10,
    });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ userId: agent.id, rateLimitPerMinute: 10 });
    const me = await s.api.get<{ id: string }>('/users/me', { key: res.body.data.key ?? '' });
    expect(me.body.data.id).toBe(agent.id);
  });

  it('refuses the admin scope for a key of an agent with 400 naming scopes', async () => {
    const agent = await buildUser(s.api);
    const res = await s.api.post('/api-keys', { name: 'x', scopes: ['admin'], userId: agent.id });
    expect(res.status).toBe(400);
    expect(errorPaths(res)).toEqual(['scopes']);
  });

  it('refuses an unknown or deactivated user with 400 naming userId', async () => {
    const unknown = await s.api.post('/api-keys', { name: 'x', scopes: ['tickets:read'], userId: 'usr_nope' });
    expect(unknown.status).toBe(400);
    expect(errorPaths(unknown)).toEqual(['userId']);
    const agent = await buildUser(s.api);
    await s.api.patch(`/users/${agent.id}`, { active: false });
    const inactive = await s.api.post('/api-keys', { name: 'x', scopes: ['tickets:read'], userId: agent.id });
    expect(inactive.status).toBe(400);
    expect(errorPaths(inactive)).toEqual(['userId']);
  });

  it.each([
    ['an unknown scope', { scopes: ['tickets:read', 'tickets:delete'] }, 'scopes.1'],
    ['empty scopes', { scopes: [] }, 'scopes'],
    ['duplicate scopes', { scopes: ['tickets:read', 'tickets:read'] }, 'scopes'],
    ['an unknown field', { scopes: ['tickets:read'], keyHash: 'x' }, 'keyHash'],
    ['rateLimitPerMinute 0', { scopes: ['tickets:read'], rateLimitPerMinute: 0 }, 'rateLimitPerMinute'],
    ['rateLimitPerMinute 1.5', { scopes: ['tickets:read'], rateLimitPerMinute: 1.5 }, 'rateLimitPerMinute'],
    ['an empty name', { name: '  ', scopes: ['tickets:read'] }, 'name'],
  ])('rejects %s with 400 naming the field', async (_label, body, path) => {
    const res = await s.api.post('/api-keys', { name: 'k', ...body });
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('BAD_REQUEST');
    expect(errorPaths(res)).toEqual([path]);
  });

  it('lists every problem of a body with several', async () => {
    const res = await s.api.post('/api-keys', { scopes: ['root'], rateLimitPerMinute: 1.5, id: 'key_x', revokedAt: null });
    expect(res.status).toBe(400);
    expect(errorPaths(res).sort()).toEqual(['id', 'name', 'rateLimitPerMinute', 'revokedAt', 'scopes.0']);
  });
});

describe('DELETE /api/v1/api-keys/:id', () => {
  it('revokes: 204 with no body, the key gets 401, the list shows revokedAt', async () => {
    const { id, key } = await buildKey(s.api, ['tickets:read']);
    expect((await s.api.get('/tickets', { key })).status).toBe(200);

    const revokedAt = s.clock.now().toISOString();
    const res = await s.api.delete(`/api-keys/${id}`);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');

    const denied = await s.api.get('/tickets', { key });
    expect(denied.status).toBe(401);
    expect(denied.body.error?.code).toBe('UNAUTHORIZED');

    const revoked = await s.api.get<ApiKey[]>('/api-keys?revoked=true&limit=100');
    expect(revoked.body.data.find((k) => k.id === id)?.revokedAt).toBe(revokedAt);
    const live = await s.api.get<ApiKey[]>('/api-keys?revoked=false&limit=100');
    expect(live.body.data.some((k) => k.id === id)).toBe(false);
    expect(live.body.data.every((k) => k.revokedAt === null)).toBe(true);

    // Again, later: still 204, and the first revocation time stays.
    s.clock.advanceMinutes(3);
    expect((await s.api.delete(`/api-keys/${id}`)).status).toBe(204);
    expect((await s.api.get<ApiKey>(`/api-keys/${id}`)).body.data.revokedAt).toBe(revokedAt);
  });

  it.each([
    ['an unknown id', 'key_01JQ0000000000000000000000'],
    ['a SQL-looking id', encodeURIComponent("' OR 1=1 --")],
    ['a 500-character id', 'k'.repeat(500)],
  ])('answers %s with 404 (GET and DELETE)', async (_label, id) => {
    for (const res of [await s.api.get(`/api-keys/${id}`), await s.api.delete(`/api-keys/${id}`)]) {
      expect(res.status).toBe(404);
      expect(res.body.error?.code).toBe('NOT_FOUND');
    }
  });
});

describe('who may see and change keys', () => {
  it('gives a key without admin only its own user\'s keys, and no writes', async () => {
    const agent = await buildUser(s.api);
    const own = await buildKey(s.api, ['tickets:read'], { userId: agent.id });
    const ownOther = await buildKey(s.api, ['contacts:read'], { userId: agent.id });
    const adminOwned = await buildKey(s.api, ['tickets:read']);

    const all = await s.api.get<ApiKey[]>('/api-keys?limit=100');
    const allIds = all.body.data.map((k) => k.id);
    expect(allIds).toEqual(expect.arrayContaining([own.id, ownOther.id, adminOwned.id]));
    expect(all.body.meta?.total).toBe(all.body.data.length);

    const mine = await s.api.get<ApiKey[]>('/api-keys?sortOrder=asc', { key: own.key });
    expect(mine.status).toBe(200);
    expect(mine.body.data.map((k) => k.id)).toEqual([own.id, ownOther.id]);
    expect(mine.body.meta?.total).toBe(2);
    // Asking for another user's keys gives nothing rather than widening the view.
    const peek = await s.api.get<ApiKey[]>(`/api-keys?userId=${adminUserId}`, { key: own.key });
    expect(peek.body.data).toEqual([]);
    expect((await s.api.get(`/api-keys/${ownOther.id}`, { key: own.key })).status).toBe(200);
    expect((await s.api.get(`/api-keys/${adminOwned.id}`, { key: own.key })).status).toBe(404);

    const byUser = await s.api.get<ApiKey[]>(`/api-keys?userId=${agent.id}`);
    expect(byUser.body.data.map((k) => k.id).sort()).toEqual([own.id, ownOther.id].sort());

    for (const res of [
      await s.api.post('/api-keys', { name: 'mine', scopes: ['tickets:read'] }, { key: own.key }),
      await s.api.delete(`/api-keys/${ownOther.id}`, { key: own.key }),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.error?.code).toBe('FORBIDDEN');
      expect(res.body.error?.details).toMatchObject({ required: 'admin', granted: ['tickets:read'] });
    }
    expect((await s.api.get('/tickets', { key: ownOther.key })).status).toBe(403);
  });

  it('records lastUsedAt when a key is used', async () => {
    const { id, key } = await buildKey(s.api, ['tickets:read']);
    expect((await s.api.get<ApiKey>(`/api-keys/${id}`)).body.data.lastUsedAt).toBeNull();
    s.clock.advanceMinutes(1);
    const usedAt = s.clock.now().toISOString();
    await s.api.get('/tickets', { key });
    expect((await s.api.get<ApiKey>(`/api-keys/${id}`)).body.data.lastUsedAt).toBe(usedAt);
  });
});

describe('per-key rate limits', () => {
  it('allows rateLimitPerMinute requests per clock minute, then 429 with Retry-After', async () => {
    s.clock.advanceMinutes(0.5); // mid-minute, so Retry-After is not simply 60
    const { key } = await buildKey(s.api, ['tickets:read'], { rateLimitPerMinute: 2 });
    const nowMs = s.clock.now().getTime();
    const reset = (Math.floor(nowMs / 60_000) + 1) * 60;

    const first = await s.api.get('/tickets', { key });
    const second = await s.api.get('/tickets', { key });
    const third = await s.api.get('/tickets', { key });
    expect([first.status, second.status, third.status]).toEqual([200, 200, 429]);
    for (const res of [first, second, third]) {
      expect(res.headers.get('x-ratelimit-limit')).toBe('2');
      expect(res.headers.get('x-ratelimit-reset')).toBe(String(reset));
    }
    expect(first.headers.get('x-ratelimit-remaining')).toBe('1');
    expect(second.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(third.headers.get('x-ratelimit-remaining')).toBe('0');
    expect(third.body.error?.code).toBe('RATE_LIMITED');
    expect(third.headers.get('retry-after')).toBe(String(reset - Math.floor(nowMs / 1000)));
    expect(third.headers.get('retry-after')).toBe('30');

    // Other keys are not affected.
    expect((await s.api.get('/tickets')).status).toBe(200);

    s.clock.advanceMinutes(1);
    const again = await s.api.get('/tickets', { key });
    expect(again.status).toBe(200);
    expect(again.headers.get('x-ratelimit-remaining')).toBe('1');
    expect(again.headers.get('x-ratelimit-reset')).toBe(String(reset + 60));
  });
});
