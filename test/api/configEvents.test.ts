// Events for the desk's configuration: users, API keys, projects, tags, macros, SLA policies.
// Each change is read back from GET /events with the actor that made it; a no-op or a failed
// write records nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../server/domain/apiKeys/keys.ts';
import { buildKey } from '../helpers/factories.ts';
import { type ApiClient, type TestServer, apiClient, startTestServer } from '../helpers/server.ts';

interface EventData {
  id: string;
  type: string;
  resourceType: string;
  resourceId: string | null;
  actor: { type: string; id: string | null };
  data: Record<string, unknown>;
  createdAt: string;
}

interface Resource {
  id: string;
  [field: string]: unknown;
}

let s: TestServer;
/** Every write in this file goes through this key, so each event's actor is known. */
let actorKeyId: string;
let api: ApiClient;

beforeAll(async () => {
  s = await startTestServer();
  const key = await buildKey(s.api, ['admin'], { name: 'config events actor' });
  actorKeyId = key.id;
  api = apiClient(s.url, key.key);
});
afterAll(async () => {
  await s.close();
});

const byKey = () => ({ type: 'apiKey', id: actorKeyId });

async function eventsOf(resourceId: string, type?: string): Promise<EventData[]> {
  const query = `resourceId=${encodeURIComponent(resourceId)}&limit=100${type ? `&type=${type}` : ''}`;
  const res = await s.api.get<EventData[]>(`/events?${query}`);
  expect(res.status).toBe(200);
  return res.body.data;
}

async function eventTotal(): Promise<number | undefined> {
  return (await s.api.get('/events?limit=1')).body.meta?.total;
}

/** Runs a write that must fail with `status` and checks it left no event behind. */
async function expectNoEventFrom(status: number, write: () => Promise<{ status: number }>): Promise<void> {
  const before = await eventTotal();
  expect((await write()).status).toBe(status);
  expect(await eventTotal()).toBe(before);
}

async function create(path: string, body: unknown): Promise<Resource> {
  const res = await api.post<Resource>(path, body);
  expect(res.status, res.text).toBe(201);
  return res.body.data;
}

describe('user events', () => {
  it('records user.created with the user and the calling key', async () => {
    const user = await create('/users', { name: 'Ada', email: 'Ada@Example.com' });
    const events = await eventsOf(user.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'user.created',
      resourceType: 'user',
      resourceId: user.id,
      actor: byKey(),
      data: { user },
    });
  });

  it('records user.updated with the fields that changed, and nothing for a no-op', async () => {
    const user = await create('/users', { name: 'Grace', email: 'grace@example.com' });
    s.clock.advanceMinutes(1);
    const res = await api.patch<Resource>(`/users/${user.id}`, { name: 'Grace H', role: 'agent' });
    expect(res.status).toBe(200);
    let updated = await eventsOf(user.id, 'user.updated');
    expect(updated).toHaveLength(1);
    expect(updated[0]).toMatchObject({
      resourceType: 'user',
      actor: byKey(),
      data: { user: res.body.data, changes: ['name'] },
    });

    // The same values again (the email in another case is the same email): nothing changed.
    expect((await api.patch(`/users/${user.id}`, { name: 'Grace H', email: 'GRACE@example.com' })).status).toBe(200);
    updated = await eventsOf(user.id, 'user.updated');
    expect(updated).toHaveLength(1);

    await api.patch(`/users/${user.id}`, { role: 'admin', active: false });
    updated = await eventsOf(user.id, 'user.updated');
    expect(updated.map((e) => e.data.changes)).toEqual([['name'], ['role', 'active']]);
  });

  it('records nothing for a refused write', async () => {
    const taken = await create('/users', { name: 'Taken', email: 'taken@example.com' });
    const other = await create('/users', { name: 'Other', email: 'other@example.com' });
    await expectNoEventFrom(409, () => api.post('/users', { name: 'Dup', email: 'TAKEN@example.com' }));
    await expectNoEventFrom(409, () => api.patch(`/users/${other.id}`, { email: taken.email }));
    expect(await eventsOf(other.id)).toHaveLength(1);
  });
});

describe('API key events', () => {
  it('records api_key.created and api_key.revoked (once), never with the secret', async () => {
    const created = await api.post<Resource & { key: string }>('/api-keys', {
      name: 'integration',
      scopes: ['tickets:read'],
    });
    expect(created.status).toBe(201);
    const { key, ...apiKey } = created.body.data;

    s.clock.advanceMinutes(1);
    expect((await api.delete(`/api-keys/${apiKey.id}`)).status).toBe(204);
    // Revoking again changes nothing, so records nothing.
    expect((await api.delete(`/api-keys/${apiKey.id}`)).status).toBe(204);

    const events = await eventsOf(apiKey.id);
    expect(events.map((e) => e.type)).toEqual(['api_key.created', 'api_key.revoked']);
    expect(events[0]).toMatchObject({ resourceType: 'api_key', actor: byKey(), data: { apiKey } });
    expect(events[1]).toMatchObject({
      resourceType: 'api_key',
      actor: byKey(),
      data: { apiKey: { ...apiKey, revokedAt: s.clock.now().toISOString() } },
    });

    const feed = (await s.api.get(`/events?resourceId=${apiKey.id}`)).text;
    expect(feed).not.toContain(key);
    expect(feed).not.toContain(hashApiKey(key));
    expect(feed).not.toContain('"key"');
  });

  it("records the first admin key's creation by the system, without its secret", async () => {
    const boot = (await s.api.get<EventData[]>('/events?type=api_key.created&limit=1')).body.data[0];
    expect(boot).toMatchObject({ actor: { type: 'system', id: null }, data: { apiKey: { scopes: ['admin'] } } });
    const feed = (await s.api.get('/events?type=api_key.*&limit=100')).text;
    expect(feed).not.toContain(s.adminKey);
    expect(feed).not.toContain(hashApiKey(s.adminKey));
  });

  it('records nothing for a refused key or an unknown one', async () => {
    await expectNoEventFrom(400, () =>
      api.post('/api-keys', { name: 'x', scopes: ['tickets:read'], userId: 'usr_01ARZ3NDEKTSV4RRFFQ69G5FAV' }),
    );
    await expectNoEventFrom(404, () => api.delete('/api-keys/key_01ARZ3NDEKTSV4RRFFQ69G5FAV'));
  });
});

describe('project events', () => {
  it('records project.created and project.updated with the fields that changed', async () => {
    const project = await create('/projects', { name: 'Billing' });
    const res = await api.patch<Resource>(`/projects/${project.id}`, { name: 'Billing', slug: 'money' });
    expect(res.status).toBe(200);
    // A no-op patch records nothing.
    expect((await api.patch(`/projects/${project.id}`, { slug: 'money', active: true })).status).toBe(200);

    const events = await eventsOf(project.id);
    expect(events.map((e) => e.type)).toEqual(['project.created', 'project.updated']);
    expect(events[0]).toMatchObject({ resourceType: 'project', actor: byKey(), data: { project } });
    expect(events[1]).toMatchObject({
      resourceType: 'project',
      actor: byKey(),
      data: { project: res.body.data, changes: ['slug'] },
    });
  });

  it('records nothing for a taken slug', async () => {
    const a = await create('/projects', { name: 'Sales' });
    await expectNoEventFrom(409, () => api.post('/projects', { name: 'Sales' }));
    const b = await create('/projects', { name: 'Support' });
    await expectNoEventFrom(409, () => api.patch(`/projects/${b.id}`, { slug: a.slug }));
  });
});

describe('tag events', () => {
  it('records tag.created, tag.updated and tag.deleted', async () => {
    const tag = await create('/tags', { name: 'VIP' });
    const res = await api.patch<Resource>(`/tags/${tag.id}`, { color: '#FF0000' });
    expect(res.status).toBe(200);
    expect((await api.patch(`/tags/${tag.id}`, { name: 'vip', color: '#ff0000' })).status).toBe(200);
    expect((await api.delete(`/tags/${tag.id}`)).status).toBe(204);

    const events = await eventsOf(tag.id);
    expect(events.map((e) => e.type)).toEqual(['tag.created', 'tag.updated', 'tag.deleted']);
    for (const e of events) expect(e).toMatchObject({ resourceType: 'tag', actor: byKey() });
    expect(events[0]?.data).toEqual({ tag });
    expect(events[1]?.data).toEqual({ tag: res.body.data, changes: ['color'] });
    expect(events[2]?.data).toEqual({ tag: res.body.data });
  });

  it('records tag.created for tags that tagging a ticket creates, by the tagging key', async () => {
    const existing = await create('/tags', { name: 'known' });
    const t = await create('/tickets', {
      subject: 'Tagged',
      description: 'Please tag me',
      contactEmail: 'tagged@example.com',
      tags: ['known', 'fresh-on-create'],
    });
    const bulk = await api.post('/tickets/bulk', { ids: [t.id], set: { addTags: ['known', 'fresh-on-add'] } });
    expect(bulk.status, bulk.text).toBe(200);
    expect((await api.patch(`/tickets/${t.id}`, { tags: ['fresh-on-set'] })).status).toBe(200);

    const created = (await s.api.get<EventData[]>('/events?type=tag.created&limit=100')).body.data;
    const byName = (name: string) =>
      created.filter((e) => (e.data.tag as { name: string }).name === name);
    expect(byName('known').map((e) => e.resourceId)).toEqual([existing.id]);
    for (const name of ['fresh-on-create', 'fresh-on-add', 'fresh-on-set']) {
      const events = byName(name);
      expect(events, name).toHaveLength(1);
      expect(events[0]).toMatchObject({
        resourceType: 'tag',
        actor: byKey(),
        data: { tag: { name, color: null, ticketCount: 0 } },
      });
    }
  });

  it('records nothing for a taken name or a ticket that is not created', async () => {
    await create('/tags', { name: 'dup' });
    await expectNoEventFrom(409, () => api.post('/tags', { name: 'DUP' }));
    await expectNoEventFrom(400, () =>
      api.post('/tickets', {
        subject: 's',
        description: 'd',
        contactEmail: 'nobody-new@example.com',
        assignedTo: 'usr_01ARZ3NDEKTSV4RRFFQ69G5FAV',
        tags: ['never-made'],
      }),
    );
    expect((await s.api.get<unknown[]>('/tags?search=never-made')).body.data).toEqual([]);
  });
});

describe('macro events', () => {
  it('records macro.created, macro.updated and macro.deleted', async () => {
    const macro = await create('/macros', { name: 'Thanks', body: 'Thanks!', actions: { status: 'resolved' } });
    const res = await api.patch<Resource>(`/macros/${macro.id}`, {
      name: 'Thanks',
      actions: { status: 'pending' },
    });
    expect(res.status).toBe(200);
    expect((await api.patch(`/macros/${macro.id}`, { body: 'Thanks!', actions: { status: 'pending' } })).status).toBe(200);
    expect((await api.delete(`/macros/${macro.id}`)).status).toBe(204);

    const events = await eventsOf(macro.id);
    expect(events.map((e) => e.type)).toEqual(['macro.created', 'macro.updated', 'macro.deleted']);
    for (const e of events) expect(e).toMatchObject({ resourceType: 'macro', actor: byKey() });
    expect(events[0]?.data).toEqual({ macro });
    expect(events[1]?.data).toEqual({ macro: res.body.data, changes: ['actions'] });
    expect(events[2]?.data).toEqual({ macro: res.body.data });
  });

  it('records nothing for a macro with an unknown assignee', async () => {
    await expectNoEventFrom(400, () =>
      api.post('/macros', { name: 'x', body: 'y', actions: { assignTo: 'usr_01ARZ3NDEKTSV4RRFFQ69G5FAV' } }),
    );
  });
});

describe('SLA policy events', () => {
  it('records sla_policy.updated under the priority, with the targets that changed', async () => {
    const put = (body: unknown) => api.request<Resource>('PUT', '/sla-policies/high', body);
    const first = await put({ firstResponseMinutes: 120, resolutionMinutes: 1440 });
    expect(first.status).toBe(200);
    // The same targets again change nothing.
    expect((await put({ firstResponseMinutes: 120, resolutionMinutes: 1440 })).status).toBe(200);

    const events = await eventsOf('high');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'sla_policy.updated',
      resourceType: 'sla_policy',
      resourceId: 'high',
      actor: byKey(),
      data: { slaPolicy: first.body.data, changes: ['firstResponseMinutes'] },
    });
  });

  it('records nothing for an invalid policy', async () => {
    await expectNoEventFrom(400, () =>
      api.request('PUT', '/sla-policies/low', { firstResponseMinutes: 100, resolutionMinutes: 10 }),
    );
  });
});
