import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKey, type TicketData } from '../helpers/factories.ts';
import { type ApiClient, type TestServer, startTestServer } from '../helpers/server.ts';

interface Tag {
  id: string;
  name: string;
  color: string | null;
  ticketCount: number;
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
async function buildTag(api: ApiClient, overrides: Partial<Tag> = {}): Promise<Tag> {
  counter += 1;
  const res = await api.post<Tag>('/tags', { name: `tag-${counter}`, ...overrides });
  if (res.status !== 201) throw new Error(`buildTag: ${res.status} ${res.text}`);
  return res.body.data;
}

async function taggedTicket(api: ApiClient, tags: string[]): Promise<Ticket> {
  counter += 1;
  const res = await api.post<Ticket>('/tickets', {
    subject: `Tagged ${counter}`,
    description: 'Please help.',
    contactEmail: `tagged-${counter}@example.com`,
    tags,
  });
  if (res.status !== 201) throw new Error(`taggedTicket: ${res.status} ${res.text}`);
  return res.body.data;
}

const tagByName = async (api: ApiClient, name: string) =>
  (await api.get<Tag[]>(`/tags?search=${encodeURIComponent(name)}&limit=100`)).body.data.find((t) => t.name === name);

describe('POST /api/v1/tags', () => {
  it('creates a tag, trimming and lower-casing the name and the colour', async () => {
    const res = await s.api.post<Tag>('/tags', { name: '  Urgent-Billing ', color: '#FFAA00' });
    expect(res.status).toBe(201);
    expect(res.body.error).toBeNull();
    expect(res.body.data.id).toMatch(/^tag_[0-9A-Z]{26}$/);
    expect(res.body.data).toMatchObject({
      name: 'urgent-billing',
      color: '#ffaa00',
      ticketCount: 0,
      createdAt: s.clock.now().toISOString(),
      updatedAt: s.clock.now().toISOString(),
    });
    const got = await s.api.get<Tag>(`/tags/${res.body.data.id}`);
    expect(got.status).toBe(200);
    expect(got.body.data).toEqual(res.body.data);
    expect((await s.api.post<Tag>('/tags', { name: 'plain' })).body.data.color).toBeNull();
    expect((await s.api.post<Tag>('/tags', { name: 'plain-null', color: null })).body.data.color).toBeNull();
  });

  it('refuses a duplicate name in any case with 409', async () => {
    await buildTag(s.api, { name: 'dup' });
    const res = await s.api.post('/tags', { name: ' DUP ' });
    expect(res.status).toBe(409);
    expect(res.body.error?.code).toBe('CONFLICT');
    expect(res.body.error?.message).toContain('dup');
  });

  it.each([
    [{ name: 'a,b' }, ['name']],
    [{ name: '   ' }, ['name']],
    [{ name: 'x'.repeat(51) }, ['name']],
    [{}, ['name']],
    [{ name: 'ok', color: 'red' }, ['color']],
    [{ name: 'ok', color: '#fff' }, ['color']],
    [{ name: 'ok', id: 'tag_x', ticketCount: 3 }, ['id', 'ticketCount']],
  ])('rejects %j with 400 naming %j', async (body, paths) => {
    const res = await s.api.post('/tags', body);
    expect(res.status).toBe(400);
    expect(res.body.data).toBeNull();
    expect(res.body.error?.code).toBe('BAD_REQUEST');
    expect(errorPaths(res)).toEqual(paths);
  });
});

describe('GET /api/v1/tags', () => {
  it('lists with meta, searches names and sorts by name and ticketCount', async () => {
    const g = await startTestServer();
    try {
      const beta = await buildTag(g.api, { name: 'beta' });
      const alpha = await buildTag(g.api, { name: 'alpha_100%' });
      await taggedTicket(g.api, ['gamma', 'beta']);
      await taggedTicket(g.api, ['gamma']);

      const all = await g.api.get<Tag[]>('/tags');
      expect(all.status).toBe(200);
      expect(all.body.meta).toEqual({ total: 3, limit: 50, offset: 0 });
      expect(all.body.data.map((t) => t.name)).toEqual(['gamma', 'alpha_100%', 'beta']); // createdAt desc

      const byName = await g.api.get<Tag[]>('/tags?sortBy=name&sortOrder=asc');
      expect(byName.body.data.map((t) => t.name)).toEqual(['alpha_100%', 'beta', 'gamma']);
      const byCount = await g.api.get<Tag[]>('/tags?sortBy=ticketCount');
      expect(byCount.body.data.map((t) => [t.name, t.ticketCount])).toEqual([
        ['gamma', 2],
        ['beta', 1],
        ['alpha_100%', 0],
      ]);

      const found = await g.api.get<Tag[]>('/tags?search=ALPHA');
      expect(found.body.data.map((t) => t.id)).toEqual([alpha.id]);
      expect(found.body.meta?.total).toBe(1);
      // `%` and `_` are literal text, not wildcards.
      expect((await g.api.get('/tags?search=0%25')).body.meta?.total).toBe(1);
      expect((await g.api.get('/tags?search=_')).body.meta?.total).toBe(1);
      expect((await g.api.get('/tags?search=%25a')).body.meta?.total).toBe(0);
      expect((await g.api.get('/tags?search=')).body.meta?.total).toBe(3);

      const page = await g.api.get<Tag[]>('/tags?sortBy=name&sortOrder=asc&limit=1&offset=1');
      expect(page.body.data.map((t) => t.id)).toEqual([beta.id]);
      expect(page.body.meta).toEqual({ total: 3, limit: 1, offset: 1 });
    } finally {
      await g.close();
    }
  });

  it.each([
    ['sortBy=color', 'sortBy'],
    ['sortOrder=up', 'sortOrder'],
    ['limit=abc', 'limit'],
    ['active=true', 'active'],
  ])('rejects %s with 400 naming the parameter', async (query, path) => {
    const res = await s.api.get(`/tags?${query}`);
    expect(res.status).toBe(400);
    expect(errorPaths(res)).toEqual([path]);
  });
});

describe('GET /api/v1/tags/:id', () => {
  it.each([
    ['an unknown id', 'tag_01JQ0000000000000000000000'],
    ['a SQL-looking id', encodeURIComponent("' OR 1=1 --")],
    ['a 500-character id', 'x'.repeat(500)],
  ])('answers %s with 404', async (_label, id) => {
    const res = await s.api.get(`/tags/${id}`);
    expect(res.status).toBe(404);
    expect(res.body.error?.code).toBe('NOT_FOUND');
  });
});

describe('PATCH /api/v1/tags/:id', () => {
  it('renames and recolours; the rename shows on tickets', async () => {
    const ticket = await taggedTicket(s.api, ['to-rename']);
    const tag = await tagByName(s.api, 'to-rename');
    expect(tag).toMatchObject({ color: null, ticketCount: 1 });
    s.clock.advanceMinutes(2);
    const res = await s.api.patch<Tag>(`/tags/${tag?.id ?? ''}`, { name: ' Renamed ', color: '#00FF00' });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ name: 'renamed', color: '#00ff00', ticketCount: 1 });
    expect(res.body.data.updatedAt).toBe(s.clock.now().toISOString());
    expect((await s.api.get<Ticket>(`/tickets/${ticket.id}`)).body.data.tags).toEqual(['renamed']);

    const uncoloured = await s.api.patch<Tag>(`/tags/${tag?.id ?? ''}`, { color: null });
    expect(uncoloured.body.data).toMatchObject({ name: 'renamed', color: null });
  });

  it("refuses another tag's name with 409 but accepts its own", async () => {
    const a = await buildTag(s.api);
    const b = await buildTag(s.api);
    const res = await s.api.patch(`/tags/${a.id}`, { name: b.name.toUpperCase() });
    expect(res.status).toBe(409);
    expect(res.body.error?.code).toBe('CONFLICT');
    expect(res.body.error?.message).toContain(b.name);
    expect((await s.api.patch(`/tags/${a.id}`, { name: a.name.toUpperCase() })).status).toBe(200);
  });

  it('rejects an empty body and bad fields with 400, an unknown id with 404', async () => {
    const t = await buildTag(s.api);
    expect((await s.api.patch(`/tags/${t.id}`, {})).status).toBe(400);
    const bad = await s.api.patch(`/tags/${t.id}`, { name: 'x,y', color: '#12345g', createdAt: 'x' });
    expect(bad.status).toBe(400);
    expect(errorPaths(bad)).toEqual(['color', 'createdAt', 'name']);
    expect((await s.api.patch('/tags/tag_01JQ0000000000000000000000', { color: null })).status).toBe(404);
  });
});

describe('DELETE /api/v1/tags/:id', () => {
  it('deletes the tag and takes it off every ticket', async () => {
    const a = await taggedTicket(s.api, ['doomed', 'survivor']);
    const b = await taggedTicket(s.api, ['doomed']);
    const doomed = await tagByName(s.api, 'doomed');
    expect(doomed?.ticketCount).toBe(2);

    const res = await s.api.delete(`/tags/${doomed?.id ?? ''}`);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect((await s.api.get(`/tags/${doomed?.id ?? ''}`)).status).toBe(404);
    expect((await s.api.get<Ticket>(`/tickets/${a.id}`)).body.data.tags).toEqual(['survivor']);
    expect((await s.api.get<Ticket>(`/tickets/${b.id}`)).body.data.tags).toEqual([]);
    expect((await s.api.get('/tickets?tag=doomed')).body.meta?.total).toBe(0);
    expect((await tagByName(s.api, 'survivor'))?.ticketCount).toBe(1);

    expect((await s.api.delete(`/tags/${doomed?.id ?? ''}`)).status).toBe(404);
  });
});

describe('tag permissions', () => {
  it('lets any key read tags but only admin keys write them', async () => {
    const t = await buildTag(s.api);
    const { key } = await buildKey(s.api, ['tickets:read']);
    expect((await s.api.get('/tags', { key })).status).toBe(200);
    expect((await s.api.get(`/tags/${t.id}`, { key })).status).toBe(200);
    for (const res of [
      await s.api.post('/tags', { name: 'mine' }, { key }),
      await s.api.patch(`/tags/${t.id}`, { color: '#000000' }, { key }),
      await s.api.delete(`/tags/${t.id}`, { key }),
    ]) {
      expect(res.status).toBe(403);
      expect(res.body.error?.code).toBe('FORBIDDEN');
      expect(res.body.error?.details).toMatchObject({ required: 'admin', granted: ['tickets:read'] });
    }
    expect((await s.api.get<Tag>(`/tags/${t.id}`)).body.data.color).toBeNull();
  });
});

describe('tickets with tags', () => {
  it('creates tags on first use and shows them sorted and lower-cased', async () => {
    const ticket = await taggedTicket(s.api, ['vip-first', ' Billing-First ', 'billing-first']);
    expect(ticket.tags).toEqual(['billing-first', 'vip-first']);
    expect(await tagByName(s.api, 'billing-first')).toMatchObject({ ticketCount: 1, color: null });
  });

  it('files a ticket with a project and tags, filters, replaces and clears them', async () => {
    const g = await startTestServer();
    try {
      const project = (await g.api.post<{ id: string }>('/projects', { name: 'Billing' })).body.data;
      const created = await g.api.post<Ticket>('/tickets', {
        subject: 'Double charge',
        description: 'Charged twice.',
        contactEmail: 'vip@example.com',
        projectId: project.id,
        tags: ['Billing', 'vip'],
      });
      expect(created.status).toBe(201);
      expect(created.body.data).toMatchObject({ projectId: project.id, tags: ['billing', 'vip'] });
      const t = created.body.data;
      const other = await taggedTicket(g.api, ['billing']);
      await taggedTicket(g.api, []);

      const vip = await g.api.get<Ticket[]>('/tickets?tag=vip');
      expect(vip.body.data.map((x) => x.id)).toEqual([t.id]);
      expect(vip.body.meta?.total).toBe(1);
      const billing = await g.api.get<Ticket[]>('/tickets?tag=BILLING');
      expect(billing.body.data.map((x) => x.id).sort()).toEqual([t.id, other.id].sort());
      expect(billing.body.meta?.total).toBe(2);
      const both = await g.api.get<Ticket[]>(`/tickets?tag=billing&projectId=${project.id}`);
      expect(both.body.data.map((x) => x.id)).toEqual([t.id]);

      const replaced = await g.api.patch<Ticket>(`/tickets/${t.id}`, { tags: ['Escalated', 'vip'] });
      expect(replaced.status).toBe(200);
      expect(replaced.body.data.tags).toEqual(['escalated', 'vip']);
      expect((await tagByName(g.api, 'billing'))?.ticketCount).toBe(1);
      expect((await tagByName(g.api, 'escalated'))?.ticketCount).toBe(1);

      const cleared = await g.api.patch<Ticket>(`/tickets/${t.id}`, { tags: [] });
      expect(cleared.body.data.tags).toEqual([]);
      expect((await tagByName(g.api, 'vip'))?.ticketCount).toBe(0);
      expect((await g.api.get('/tickets?tag=vip')).body.meta?.total).toBe(0);
      // The tag itself stays (it was created on first use, and is only removed by DELETE).
      expect((await g.api.get('/tags')).body.meta?.total).toBe(3);
    } finally {
      await g.close();
    }
  });

  it('rejects tag names with commas with 400 naming the element', async () => {
    const res = await s.api.post('/tickets', {
      subject: 'x',
      description: 'y',
      contactEmail: 'comma@example.com',
      tags: ['fine', 'a,b'],
    });
    expect(res.status).toBe(400);
    expect(errorPaths(res)).toEqual(['tags.1']);
    const t = await taggedTicket(s.api, ['fine']);
    const patch = await s.api.patch(`/tickets/${t.id}`, { tags: ['x,y'] });
    expect(patch.status).toBe(400);
    expect(errorPaths(patch)).toEqual(['tags.0']);
    expect((await s.api.get('/tickets?tag=a,b')).status).toBe(400);
  });
});
