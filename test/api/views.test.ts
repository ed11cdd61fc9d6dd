// Saved inbox views: per user, on the server, so every browser and desktop of that user agrees.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startTestServer } from '../helpers/server.ts';

interface ViewData {
  id: string;
  name: string;
  filters: Record<string, unknown>;
  sortBy: string;
  sortOrder: string;
  createdAt: string;
  updatedAt: string;
}

let s: TestServer;
let adaKey: string;
let readOnlyKey: string;
beforeAll(async () => {
  s = await startTestServer();
  const ada = await s.api.post<{ id: string }>('/users', { name: 'Ada', email: 'ada-views@example.com', role: 'agent' });
  adaKey = (await s.api.post<{ key: string }>('/api-keys', { name: 'ada', scopes: ['tickets:read'], userId: ada.body.data.id })).body.data.key;
  readOnlyKey = (await s.api.post<{ key: string }>('/api-keys', { name: 'contacts only', scopes: ['contacts:read'] })).body.data.key;
});
afterAll(async () => {
  await s.close();
});

const paths = (res: { body: { error: { details?: { errors?: { path: string }[] } } | null } }) =>
  (res.body.error?.details?.errors ?? []).map((e) => e.path).sort();

describe('/api/v1/views', () => {
  it('saves filters under a name, lists them oldest first, and keeps each user’s apart', async () => {
    const created = await s.api.post<ViewData>('/views', {
      name: 'My urgent',
      filters: { status: ['open', 'pending'], priority: ['urgent'], assignedTo: 'me', sla: 'breached' },
      sortBy: 'priority',
    });
    expect(created.status).toBe(201);
    expect(created.body.data).toMatchObject({
      id: expect.stringMatching(/^view_[0-9A-Z]{26}$/),
      name: 'My urgent',
      filters: { status: ['open', 'pending'], priority: ['urgent'], assignedTo: 'me', sla: 'breached' },
      sortBy: 'priority',
      sortOrder: 'desc',
    });
    await s.api.post('/views', { name: 'Everything' });

    const mine = await s.api.get<ViewData[]>('/views');
    expect(mine.body.data.map((v) => v.name)).toEqual(['My urgent', 'Everything']);
    expect(mine.body.meta).toEqual({ total: 2, limit: 50, offset: 0 });

    // Ada sees none of the admin's views, and cannot read, change or delete one.
    const hers = await s.api.get<ViewData[]>('/views', { key: adaKey });
    expect(hers.body.data).toEqual([]);
    const id = created.body.data.id;
    expect((await s.api.get(`/views/${id}`, { key: adaKey })).status).toBe(404);
    expect((await s.api.patch(`/views/${id}`, { name: 'Mine now' }, { key: adaKey })).status).toBe(404);
    expect((await s.api.delete(`/views/${id}`, { key: adaKey })).status).toBe(404);
    // Her own view may take a name the admin uses.
    expect((await s.api.post('/views', { name: 'My urgent' }, { key: adaKey })).status).toBe(201);
    expect((await s.api.get<ViewData>(`/views/${id}`)).body.data.name).toBe('My urgent');
  });

  it('renames, replaces the filters, and deletes; a taken name in any case is a 409', async () => {
    const v = (await s.api.post<ViewData>('/views', { name: 'Billing', filters: { tag: 'billing' } })).body.data;
    expect((await s.api.post('/views', { name: 'BILLING' })).status).toBe(409);

    const patched = await s.api.patch<ViewData>(`/views/${v.id}`, { name: 'Billing queue', filters: { tag: 'invoice', status: ['open'] } });
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({ name: 'Billing queue', filters: { tag: 'invoice', status: ['open'] } });
    expect(patched.body.data.updatedAt >= v.updatedAt).toBe(true);
    expect((await s.api.patch(`/views/${v.id}`, { name: 'my urgent' })).status).toBe(409);

    const events = await s.api.get<{ type: string }[]>(`/events?resourceId=${v.id}`);
    expect(events.body.data.map((e) => e.type)).toEqual(['view.created', 'view.updated']);

    expect((await s.api.delete(`/views/${v.id}`)).status).toBe(204);
    expect((await s.api.get(`/views/${v.id}`)).status).toBe(404);
  });

  it('rejects invalid views with 400 naming every field, and keys without tickets:read with 403', async () => {
    const bad = await s.api.post('/views', {
      name: '',
      filters: { status: ['lost'], assignedTo: 'bob', projectId: 'prj_x', color: 'red' },
      sortBy: 'subject',
    });
    expect(bad.status).toBe(400);
    expect(paths(bad)).toEqual(['filters.assignedTo', 'filters.color', 'filters.projectId', 'filters.status.0', 'name', 'sortBy']);
    expect((await s.api.post('/views', { name: 'x'.repeat(61) })).status).toBe(400);
    expect((await s.api.patch('/views/view_01ARZ3NDEKTSV4RRFFQ69G5FAV', {})).status).toBe(400);
    expect((await s.api.get('/views', { key: readOnlyKey })).status).toBe(403);
    expect((await s.api.get('/views')).status).toBe(200);
  });
});
