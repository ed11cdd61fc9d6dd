// Team sync, part 1 (issue 17): an admin makes a one-time pairing code; another install trades
// it for a device key of the code's user; admins list and revoke devices.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roleScopes } from '../../common/rules/scopes.ts';
import { buildKey, buildUser } from '../helpers/factories.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';

interface PairingCode {
  code: string;
  expiresAt: string;
  userId: string;
}
interface Device {
  id: string;
  name: string;
  userId: string;
  createdAt: string;
  lastSeenAt: string | null;
  revokedAt: string | null;
}
interface Paired {
  device: Device;
  key: string;
  userId: string;
}

const invalid = 'the pairing code is not valid: it is unknown, already used or expired';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

async function newCode(body: Record<string, unknown> = {}): Promise<PairingCode> {
  const res = await s.api.post<PairingCode>('/pairing-codes', body);
  expect(res.status, res.text).toBe(201);
  return res.body.data;
}

const pair = (code: string, name = 'Ada’s laptop') => s.api.post<Paired>('/sync/pair', { code, name }, { key: null });

describe('POST /api/v1/pairing-codes', () => {
  it('makes an 8-character code without confusable characters, valid 10 minutes, stored only hashed', async () => {
    const me = await s.api.get<{ user: { id: string } }>('/auth/me');
    const created = await newCode();
    expect(created.code).toMatch(/^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$/);
    expect(Date.parse(created.expiresAt) - s.clock.now().getTime()).toBe(10 * 60_000);
    expect(created.userId).toBe(me.body.data.user.id);
    const stored = JSON.stringify(await s.db.selectFrom('pairing_codes').selectAll().execute());
    expect(stored).not.toContain(created.code);
    expect(stored).not.toContain(created.code.replace('-', ''));
    const short = await newCode({ ttlMinutes: 1 });
    expect(Date.parse(short.expiresAt) - s.clock.now().getTime()).toBe(60_000);
  });

  it('sweeps codes a day past their expiry when a new one is made', async () => {
    const before = (await s.db.selectFrom('pairing_codes').select('id').execute()).length;
    expect(before).toBeGreaterThan(0);
    s.clock.advanceMinutes(25 * 60);
    await newCode();
    expect(await s.db.selectFrom('pairing_codes').select('id').execute()).toHaveLength(1);
  });

  it('is for admins only: an agent key gets 403, no key 401', async () => {
    const agentKey = await buildKey(s.api, ['tickets:read', 'tickets:write']);
    expect((await s.api.post('/pairing-codes', {}, { key: agentKey.key })).status).toBe(403);
    expect((await s.api.post('/pairing-codes', {}, { key: null })).status).toBe(401);
  });

  it('refuses an unknown user, a deactivated one and a bad ttl with 400 naming the field', async () => {
    const unknown = await s.api.post('/pairing-codes', { userId: 'usr_nobody' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error?.details?.errors?.[0]?.path).toBe('userId');
    const gone = await buildUser(s.api);
    expect((await s.api.patch(`/users/${gone.id}`, { active: false })).status).toBe(200);
    const deactivated = await s.api.post('/pairing-codes', { userId: gone.id });
    expect(deactivated.status).toBe(400);
    expect(deactivated.body.error?.message).toMatch(/deactivated/);
    for (const ttlMinutes of [0, 61, 2.5, '10']) {
      const res = await s.api.post('/pairing-codes', { ttlMinutes });
      expect(res.status).toBe(400);
      expect(res.body.error?.details?.errors?.[0]?.path).toBe('ttlMinutes');
    }
    expect((await s.api.post('/pairing-codes', { extra: 1 })).status).toBe(400);
  });
});

describe('POST /api/v1/sync/pair', () => {
  it("gives a key of the code's user with that user's role scopes, which authenticates at once", async () => {
    const agent = await buildUser(s.api, { role: 'agent' });
    const { code } = await newCode({ userId: agent.id });
    const res = await pair(code);
    expect(res.status, res.text).toBe(201);
    const paired = res.body.data;
    expect(paired.userId).toBe(agent.id);
    expect(paired.device).toMatchObject({ id: expect.stringMatching(/^dev_/), name: 'Ada’s laptop', userId: agent.id, revokedAt: null });
    expect((await s.api.get('/tickets', { key: paired.key })).status).toBe(200);
    const keys = await s.api.get<{ id: string; name: string; scopes: string[]; userId: string }[]>(`/api-keys?userId=${agent.id}`);
    const deviceKey = keys.body.data.find((k) => k.name === 'Device: Ada’s laptop');
    expect(deviceKey?.scopes.sort()).toEqual(roleScopes('agent').sort());
    // An agent's device is no admin.
    expect((await s.api.post('/pairing-codes', {}, { key: paired.key })).status).toBe(403);
    // The secret is not kept anywhere but as the key's hash.
    expect((await s.api.get('/events?type=device.paired')).text).not.toContain(paired.key);
  });

  it('takes the code in any case, with or without the dash or spaces', async () => {
    const { code } = await newCode();
    const typed = ` ${code.slice(0, 4).toLowerCase()} ${code.slice(5)} `;
    expect((await pair(typed)).status).toBe(201);
    const { code: other } = await newCode();
    expect((await pair(other.replace('-', ''))).status).toBe(201);
  });

  it('refuses the same code twice, an expired one and an unknown one with the same 403', async () => {
    const { code } = await newCode({ ttlMinutes: 5 });
    expect((await pair(code)).status).toBe(201);
    const again = await pair(code);
    expect(again.status).toBe(403);
    expect(again.body.error).toMatchObject({ code: 'FORBIDDEN', message: invalid });

    const { code: late } = await newCode({ ttlMinutes: 5 });
    s.clock.advanceMinutes(5);
    const expired = await pair(late);
    expect(expired.status).toBe(403);
    expect(expired.body.error?.message).toBe(invalid);

    for (const guess of ['ABCD-EFGH', 'O0O0-1111', 'short']) {
      const res = await pair(guess);
      expect(res.status).toBe(403);
      expect(res.body.error?.message).toBe(invalid);
    }
  });

  it('refuses a malformed body with 400 and leaves the code usable', async () => {
    const { code } = await newCode();
    for (const body of [{ code }, { code, name: '' }, { code, name: 'x'.repeat(101) }, { code, name: 'a', extra: 1 }, {}]) {
      const res = await s.api.post('/sync/pair', body, { key: null });
      expect(res.status).toBe(400);
    }
    expect((await pair(code)).status).toBe(201);
  });

  it('lets exactly one of two concurrent pairs with one code win', async () => {
    const { code } = await newCode();
    const before = (await s.api.get<Device[]>('/devices')).body.meta?.total ?? 0;
    const results = await Promise.all([pair(code, 'first'), pair(code, 'second')]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 403]);
    expect((await s.api.get<Device[]>('/devices')).body.meta?.total).toBe(before + 1);
  });
});

describe('devices', () => {
  it('are listed for admins, live first, and a revoked one loses its key at once', async () => {
    const { code } = await newCode();
    const { device, key } = (await pair(code, 'To revoke')).body.data;
    const listed = await s.api.get<Device[]>('/devices');
    expect(listed.status).toBe(200);
    expect(listed.body.data.find((d) => d.id === device.id)).toMatchObject({ name: 'To revoke', revokedAt: null });
    expect((await s.api.get<Device>(`/devices/${device.id}`)).body.data.name).toBe('To revoke');

    const agentKey = await buildKey(s.api, ['tickets:read']);
    expect((await s.api.get('/devices', { key: agentKey.key })).status).toBe(403);
    expect((await s.api.delete(`/devices/${device.id}`, { key: agentKey.key })).status).toBe(403);

    expect((await s.api.delete(`/devices/${device.id}`)).status).toBe(204);
    expect((await s.api.get('/tickets', { key })).status).toBe(401);
    const first = (await s.api.get<Device>(`/devices/${device.id}`)).body.data.revokedAt;
    expect(first).not.toBeNull();
    s.clock.advanceMinutes(1);
    expect((await s.api.delete(`/devices/${device.id}`)).status).toBe(204);
    expect((await s.api.get<Device>(`/devices/${device.id}`)).body.data.revokedAt).toBe(first);
    expect((await s.api.get('/events?type=device.revoked')).body.data).toHaveLength(1);

    const all = (await s.api.get<Device[]>('/devices')).body.data;
    const firstRevoked = all.findIndex((d) => d.revokedAt !== null);
    expect(all.slice(firstRevoked).every((d) => d.revokedAt !== null)).toBe(true);
    const live = (await s.api.get<Device[]>('/devices?revoked=false')).body.data;
    expect(live.some((d) => d.id === device.id)).toBe(false);
    const revoked = (await s.api.get<Device[]>('/devices?revoked=true')).body.data;
    expect(revoked.map((d) => d.id)).toContain(device.id);
  });

  it('answer 404 for an unknown id', async () => {
    expect((await s.api.get('/devices/dev_nothing')).status).toBe(404);
    expect((await s.api.delete('/devices/dev_nothing')).status).toBe(404);
  });

  it('events of devices are for admins only', async () => {
    const reader = await buildKey(s.api, ['events:read', 'tickets:read']);
    const seen = await s.api.get<{ type: string }[]>('/events?type=device.paired', { key: reader.key });
    expect(seen.status).toBe(200);
    expect(seen.body.data).toHaveLength(0);
    expect((await s.api.get<unknown[]>('/events?type=device.paired')).body.data.length).toBeGreaterThan(0);
  });
});

describe('pairing is anonymous traffic', () => {
  it('counts against the per-address limit for requests without a key (429 past it)', async () => {
    const limited = await startTestServer({ config: { publicRateLimitPerMinute: 3 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        statuses.push((await limited.api.post('/sync/pair', { code: 'ABCD-EFGH', name: 'guess' }, { key: null })).status);
      }
      expect(statuses).toEqual([403, 403, 403, 429]);
    } finally {
      await limited.close();
    }
  });
});
