import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKey, type TicketData } from '../helpers/factories.ts';
import { type ApiClient, type TestServer, startTestServer } from '../helpers/server.ts';

interface Project {
  id: string;
  name: string;
  slug: string;
  active: boolean;
  createdAt: string;
  updatedAt: string;
}

interface Ticket extends TicketData {
  projectId: string | null;
  tags: string[];
}

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

const errorPaths = (res: { body: { error: { details?: { errors?: { path: string }[] } } | null } }) =>
  (res.body.error?.details?.errors ?? []).map((e) => e.path).sort();

let counter = 0;
async function buildProject(api: ApiClient, overrides: Partial<Project> = {}): Promise<Project> {
  counter += 1;
  const res = await api.post<Project>('/projects', { name: `Queue ${counter}`, slug: `queue-${counter}`, ...overrides });
  if (res.status !== 201) throw new Error(`buildProject: ${res.status} ${res.text}`);
  return res.body.data;
}

function newTicket(api: ApiClient, fields: Record<string, unknown>) {
  counter += 1;
  return api.post<Ticket>('/tickets', {
    subject: `Refund please ${counter}`,
    description: 'I was charged twice.',
    contactEmail: `payer-${counter}@example.com`,
    ...fields,
  });
}

describe('POST /api/v1/projects', () => {
  it('creates an active project, deriving the slug from the name', async () => {
    const res = await s.api.post<Project>('/projects', { name: '  Billing & Refunds! ' });
    expect(res.status).toBe(201);
    expect(res.body.error).toBeNull();
    expect(res.body.data.id).toMatch(/^prj_[0-9A-Z]{26}$/);
    expect(res.body.data).toMatchObject({
      name: 'Billing & Refunds!',
      slug: 'billing-refunds',
      active: true,
      createdAt: s.clock.now().toISOString(),
      updatedAt: s.clock.now().toISOString(),
    });
    const got = await s.api.get<Project>(`/projects/${res.body.data.id}`);
    expect(got.status).toBe(200);
    expect(got.body.data).toEqual(res.body.data);
  });

  it.each([
    ['--Café  au_lait--', 'cafe-au-lait'],
    ['2026 Q1 / EMEA', '2026-q1-emea'],
    [`${'a'.repeat(59)} b`, 'a'.repeat(59)],
  ])('derives %j as %s', async (name, slug) => {
    const res = await s.api.post<Project>('/projects', { name });
    expect(res.status).toBe(201);
    expect(res.body.data.slug).toBe(slug);
  });

  it('takes a given slug and active flag as they are', async () => {
    const res = await s.api.post<Project>('/projects', { name: 'Legacy', slug: 'old-queue', active: false });
    expect(res.status).toBe(201);
    expect(res.body.data).toMatchObject({ name: 'Legacy', slug: 'old-queue', active: false });
  });

  it.each(['Upper', 'two--hyphens', '-lead', 'trail-', 'under_score', 'spa ce', 'x'.repeat(61), ''])(
    'rejects the slug %j with 400 naming slug',
    async (slug) => {
      const res = await s.api.post('/projects', { name: 'Bad slug', slug });
      expect(res.status).toBe(400);
      expect(res.body.data).toBeNull();
      expect(res.body.error?.code).toBe('BAD_REQUEST');
      expect(errorPaths(res)).toEqual(['slug']);
    },
  );

  it('rejects a name it cannot derive a slug from with 400 naming slug', async () => {
    const res = await s.api.post('/projects', { name: '!!! ???' });
    expect(res.status).toBe(400);
    expect(errorPaths(res)).toEqual(['slug']);
    expect(res.body.error?.message).toMatch(/give a slug/);
  });

  it('lists every problem of a bad body, unknown fields included', async () => {
    const res = await s.api.post('/projects', { name: ' ', active: 'yes', id: 'prj_x', createdAt: 'now' });
    expect(res.status).toBe(400);
    expect(errorPaths(res)).toEqual(['active', 'createdAt', 'id', 'name']);
    expect(errorPaths(await s.api.post('/projects', {}))).toEqual(['name']);
  });

  it('refuses a taken slug with 409 naming it, and a derived clash suggesting slug', async () => {
    await buildProject(s.api, { name: 'Sales', slug: 'sales' });
    const given = await s.api.post('/projects', { name: 'Other', slug: 'sales' });
    expect(given.status).toBe(409);
    expect(given.body.error?.code).toBe('CONFLICT');
    expect(given.body.error?.message).toContain('sales');
    expect(given.body.error?.details).toMatchObject({ field: 'slug', slug: 'sales' });

    const derived = await s.api.post('/projects', { name: 'SALES!' });
    expect(derived.status).toBe(409);
    expect(derived.body.error?.message).toMatch(/sales.*derived.*`slug`/);
    expect((await s.api.post('/projects', { name: 'SALES!', slug: 'sales-2' })).status).toBe(201);
  });
});

describe('GET /api/v1/projects', () => {
  it('lists with meta, filters by active and sorts by name', async () => {
    const g = await startTestServer();
    try {
      const zed = await buildProject(g.api, { name: 'zed queue', slug: 'zed' });
      const amy = await buildProject(g.api, { name: 'Amy queue', slug: 'amy' });
      const bob = await buildProject(g.api, { name: 'bob queue', slug: 'bob', active: false });

      const all = await g.api.get<Project[]>('/projects');
      expect(all.status).toBe(200);
      expect(all.body.meta).toEqual({ total: 3, limit: 50, offset: 0 });
      expect(all.body.data.map((p) => p.id)).toEqual([bob.id, amy.id, zed.id]); // createdAt desc

      const byName = await g.api.get<Project[]>('/projects?sortBy=name&sortOrder=asc');
      expect(byName.body.data.map((p) => p.slug)).toEqual(['amy', 'bob', 'zed']);

      const active = await g.api.get<Project[]>('/projects?active=true');
      expect(active.body.data.map((p) => p.id).sort()).toEqual([amy.id, zed.id].sort());
      expect(active.body.meta?.total).toBe(2);
      const archived = await g.api.get<Project[]>('/projects?active=false');
      expect(archived.body.data.map((p) => p.id)).toEqual([bob.id]);
      expect(archived.body.meta?.total).toBe(1);

      const page = await g.api.get<Project[]>('/projects?limit=1&offset=1&sortBy=name&sortOrder=asc');
      expect(page.body.data.map((p) => p.slug)).toEqual(['bob']);
      expect(page.body.meta).toEqual({ total: 3, limit: 1, offset: 1 });
    } finally {
      await g.close();
    }
  });

  it.each([
    ['active=maybe', 'active'],
    ['sortBy=slug', 'sortBy'],
    ['limit=101', 'limit'],
    ['offset=-1', 'offset'],
    ['search=x', 'search'],
  ])('rejects %s with 400 naming the parameter', async (query, path) => {
    const res = await s.api.get(`/projects?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('BAD_REQUEST');
    expect(errorPaths(res)).toEqual([path]);
  });
});

describe('GET /api/v1/projects/:id', () => {
  it.each([
    ['an unknown id', 'prj_01JQ0000000000000000000000'],
    ['a SQL-looking id', encodeURIComponent("' OR 1=1 --")],
    ['a 500-character id', 'x'.repeat(500)],
  ])('answers %s with 404', async (_label, id) => {
    const res = await s.api.get(`/projects/${id}`);
    expect(res.status).toBe(404);
    expect(res.body.data).toBeNull();
    expect(res.body.error?.code).toBe('NOT_FOUND');
  });
});

describe('PATCH /api/v1/projects/:id', () => {
  it('changes only the given fields, keeps the slug on rename and moves updatedAt', async () => {
    const p = await buildProject(s.api, { name: 'Support', slug: 'support' });
    s.clock.advanceMinutes(3);
    const renamed = await s.api.patch<Project>(`/projects/${p.id}`, { name: ' Customer Support ' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.data).toMatchObject({ name: 'Customer Support', slug: 'support', active: true });
    expect(renamed.body.data.updatedAt).toBe(s.clock.now().toISOString());
    expect(renamed.body.data.createdAt).toBe(p.createdAt);

    const reslugged = await s.api.patch<Project>(`/projects/${p.id}`, { slug: 'customer-support', active: false });
    expect(reslugged.body.data).toMatchObject({ name: 'Customer Support', slug: 'customer-support', active: false });
    expect((await s.api.patch(`/projects/${p.id}`, { slug: 'customer-support' })).status).toBe(200);
  });

  it("refuses another project's slug with 409", async () => {
    const a = await buildProject(s.api);
    const b = await buildProject(s.api);
    const res = await s.api.patch(`/projects/${a.id}`, { slug: b.slug });
    expect(res.status).toBe(409);
    expect(res.body.error?.message).toContain(b.slug);
  });

  it('rejects an empty body, unknown fields and bad values with 400', async () => {
    const p = await buildProject(s.api);
    const empty = await s.api.patch(`/projects/${p.id}`, {});
    expect(empty.status).toBe(400);
    const bad = await s.api.patch(`/projects/${p.id}`, { slug: 'Bad Slug', active: 1, id: 'prj_x' });
    expect(bad.status).toBe(400);
    expect(errorPaths(bad)).toEqual(['active', 'id', 'slug']);
  });

  it('answers an unknown id with 404', async () => {
    const res = await s.api.patch('/projects/prj_01JQ0000000000000000000000', { name: 'Nobody' });
    expect(res.status).toBe(404);
  });

  it('has no DELETE: archiving is the way', async () => {
    const p = await buildProject(s.api);
    const res = await s.api.delete(`/projects/${p.id}`);
    expect(res.status).toBe(405);
    expect(res.body.error?.code).toBe('METHOD_NOT_ALLOWED');
  });
});

describe('project permissions', () => {
  it('lets any key read projects but only admin keys write them', async () => {
    const p = await buildProject(s.api);
    const { key } = await buildKey(s.api, ['tickets:read']);
    expect((await s.api.get('/projects', { key })).status).toBe(200);
    expect((await s.api.get(`/projects/${p.id}`, { key })).status).toBe(200);
    for (const res of [
      await s.api.post('/projects', { name: 'Mine' }, { key }),
      await s.api.patch(`/projects/${p.id}`, { active: false }, { key }),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.error?.code).toBe('FORBIDDEN');
      expect(res.body.error?.details).toMatchObject({ required: 'admin', granted: ['tickets:read'] });
    }
    expect((await s.api.get(`/projects/${p.id}`)).body.data).toMatchObject({ active: true });
    expect((await s.api.get('/projects', { key: null })).status).toBe(401);
  });
});

describe('tickets in projects', () => {
  it('files, filters, moves and removes tickets by projectId', async () => {
    const g = await startTestServer();
    try {
      const billing = await buildProject(g.api, { name: 'Billing', slug: 'billing' });
      const it1 = await newTicket(g.api, { projectId: billing.id });
      expect(it1.status).toBe(201);
      expect(it1.body.data.projectId).toBe(billing.id);
      const loose = (await newTicket(g.api, {})).body.data;
      expect(loose.projectId).toBeNull();

      const inBilling = await g.api.get<Ticket[]>(`/tickets?projectId=${billing.id}`);
      expect(inBilling.body.data.map((t) => t.id)).toEqual([it1.body.data.id]);
      expect(inBilling.body.meta?.total).toBe(1);
      const none = await g.api.get<Ticket[]>('/tickets?projectId=none');
      expect(none.body.data.map((t) => t.id)).toEqual([loose.id]);
      expect(none.body.meta?.total).toBe(1);

      const moved = await g.api.patch<Ticket>(`/tickets/${loose.id}`, { projectId: billing.id });
      expect(moved.body.data.projectId).toBe(billing.id);
      expect((await g.api.get(`/tickets?projectId=${billing.id}`)).body.meta?.total).toBe(2);

      const removed = await g.api.patch<Ticket>(`/tickets/${loose.id}`, { projectId: null });
      expect(removed.status).toBe(200);
      expect(removed.body.data.projectId).toBeNull();
      expect((await g.api.get('/tickets?projectId=none')).body.meta?.total).toBe(1);
    } finally {
      await g.close();
    }
  });

  it('keeps tickets in an archived project but refuses new ones with 400 naming projectId', async () => {
    const p = await buildProject(s.api);
    const kept = (await newTicket(s.api, { projectId: p.id })).body.data;
    expect((await s.api.patch(`/projects/${p.id}`, { active: false })).status).toBe(200);
    expect((await s.api.get<Ticket>(`/tickets/${kept.id}`)).body.data.projectId).toBe(p.id);
    expect((await s.api.get(`/tickets?projectId=${p.id}`)).body.meta?.total).toBe(1);

    const create = await newTicket(s.api, { projectId: p.id });
    expect(create.status).toBe(400);
    expect(errorPaths(create)).toEqual(['projectId']);
    expect(create.body.error?.message).toMatch(/archived/);
    const other = (await newTicket(s.api, {})).body.data;
    const move = await s.api.patch(`/tickets/${other.id}`, { projectId: p.id });
    expect(move.status).toBe(400);
    expect(errorPaths(move)).toEqual(['projectId']);

    // Restoring the project takes tickets again.
    expect((await s.api.patch(`/projects/${p.id}`, { active: true })).status).toBe(200);
    expect((await newTicket(s.api, { projectId: p.id })).status).toBe(201);
  });

  it('refuses an unknown project with 400 naming projectId', async () => {
    const res = await newTicket(s.api, { projectId: 'prj_01JQ0000000000000000000000' });
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('BAD_REQUEST');
    expect(errorPaths(res)).toEqual(['projectId']);
  });
});
