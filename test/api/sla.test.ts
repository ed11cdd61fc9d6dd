import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKey, buildTicket, type TicketData } from '../helpers/factories.ts';
import { type ApiResponse, type TestServer, startTestServer } from '../helpers/server.ts';

interface Policy {
  priority: string;
  firstResponseMinutes: number;
  resolutionMinutes: number;
  updatedAt: string | null;
}

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

const put = (priority: string, body: unknown, key?: string) =>
  s.api.request<Policy>('PUT', `/sla-policies/${priority}`, body, key ? { key } : {});

const paths = (res: ApiResponse) => (res.body.error?.details?.errors ?? []).map((e) => e.path).sort();

/** Minutes from the ticket's creation to each due time. */
const dueMinutes = (t: TicketData) => [
  (Date.parse(t.sla.firstResponseDueAt) - Date.parse(t.createdAt)) / 60_000,
  (Date.parse(t.sla.resolutionDueAt) - Date.parse(t.createdAt)) / 60_000,
];

const getTicket = async (id: string) => (await s.api.get<TicketData>(`/tickets/${id}`)).body.data;

describe('GET /api/v1/sla-policies', () => {
  it('lists the four default policies, most urgent first, without meta', async () => {
    const res = await s.api.get<Policy[]>('/sla-policies');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: [
        { priority: 'urgent', firstResponseMinutes: 60, resolutionMinutes: 240, updatedAt: null },
        { priority: 'high', firstResponseMinutes: 240, resolutionMinutes: 1440, updatedAt: null },
        { priority: 'medium', firstResponseMinutes: 480, resolutionMinutes: 2880, updatedAt: null },
        { priority: 'low', firstResponseMinutes: 1440, resolutionMinutes: 5760, updatedAt: null },
      ],
      error: null,
    });
  });

  it('gets one policy, and is a 404 for a priority that does not exist', async () => {
    const high = await s.api.get<Policy>('/sla-policies/high');
    expect(high.status).toBe(200);
    expect(high.body.data).toEqual({
      priority: 'high',
      firstResponseMinutes: 240,
      resolutionMinutes: 1440,
      updatedAt: null,
    });
    for (const name of ['critical', 'URGENT', encodeURIComponent("' OR 1=1 --")]) {
      const res = await s.api.get(`/sla-policies/${name}`);
      expect(res.status, name).toBe(404);
      expect(res.body).toMatchObject({ data: null, error: { code: 'NOT_FOUND' } });
    }
  });
});

describe('PUT /api/v1/sla-policies/:priority', () => {
  it('changes the policy for new tickets and re-prioritised ones, not existing due times', async () => {
    const old = await buildTicket(s.api, { priority: 'medium' });
    const oldLow = await buildTicket(s.api, { priority: 'low' });
    s.clock.advanceMinutes(10);

    const res = await put('low', { firstResponseMinutes: 100, resolutionMinutes: 1000 });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      priority: 'low',
      firstResponseMinutes: 100,
      resolutionMinutes: 1000,
      updatedAt: s.clock.now().toISOString(),
    });
    expect((await s.api.get<Policy>('/sla-policies/low')).body.data).toEqual(res.body.data);
    const listed = (await s.api.get<Policy[]>('/sla-policies')).body.data;
    expect(listed.map((p) => [p.priority, p.firstResponseMinutes, p.resolutionMinutes])).toEqual([
      ['urgent', 60, 240],
      ['high', 240, 1440],
      ['medium', 480, 2880],
      ['low', 100, 1000],
    ]);

    const fresh = await buildTicket(s.api, { priority: 'low' });
    expect(dueMinutes(fresh)).toEqual([100, 1000]);
    // Tickets created before the change keep the due times they were given.
    expect(dueMinutes(await getTicket(oldLow.id))).toEqual([1440, 5760]);
    expect(dueMinutes(await getTicket(old.id))).toEqual([480, 2880]);

    // A later priority change takes the current policy, still counted from createdAt.
    s.clock.advanceMinutes(30);
    const moved = await s.api.patch<TicketData>(`/tickets/${old.id}`, { priority: 'low' });
    expect(moved.status).toBe(200);
    expect(moved.body.data.createdAt).toBe(old.createdAt);
    expect(dueMinutes(moved.body.data)).toEqual([100, 1000]);
  });

  it('breaches a ticket exactly when the new due time has passed, not before', async () => {
    const t = await buildTicket(s.api, { priority: 'low' });
    expect(dueMinutes(t)).toEqual([100, 1000]);
    s.clock.advanceMinutes(99);
    expect((await getTicket(t.id)).sla.breached).toBe(false);
    s.clock.advanceMinutes(1); // exactly the due time: not yet breached
    expect((await getTicket(t.id)).sla.breached).toBe(false);
    s.clock.advanceMinutes(1);
    expect((await getTicket(t.id)).sla.breached).toBe(true);
  });

  it('accepts equal targets and the bounds 1 and 525600', async () => {
    expect((await put('urgent', { firstResponseMinutes: 1, resolutionMinutes: 1 })).status).toBe(200);
    const max = await put('urgent', { firstResponseMinutes: 525600, resolutionMinutes: 525600 });
    expect(max.status).toBe(200);
    const back = await put('urgent', { firstResponseMinutes: 60, resolutionMinutes: 240 });
    expect(back.body.data).toMatchObject({ firstResponseMinutes: 60, resolutionMinutes: 240 });
  });

  it('rejects invalid bodies with 400, listing every problem, changing nothing', async () => {
    const before = (await s.api.get<Policy>('/sla-policies/high')).body.data;
    const cases: [unknown, string[]][] = [
      [{ firstResponseMinutes: 500, resolutionMinutes: 400 }, ['firstResponseMinutes']],
      [{ firstResponseMinutes: 0, resolutionMinutes: 400 }, ['firstResponseMinutes']],
      [{ firstResponseMinutes: 1.5, resolutionMinutes: 400 }, ['firstResponseMinutes']],
      [{ firstResponseMinutes: 60, resolutionMinutes: 525601 }, ['resolutionMinutes']],
      [{ firstResponseMinutes: '60', resolutionMinutes: 400 }, ['firstResponseMinutes']],
      [{ firstResponseMinutes: 60, resolutionMinutes: 400, priority: 'low' }, ['priority']],
      [{ firstResponseMinutes: 60 }, ['resolutionMinutes']],
      [{}, ['firstResponseMinutes', 'resolutionMinutes']],
      [
        { firstResponseMinutes: 0, resolutionMinutes: 1.5, updatedAt: '2020-01-01T00:00:00Z' },
        ['firstResponseMinutes', 'resolutionMinutes', 'updatedAt'],
      ],
    ];
    for (const [body, expected] of cases) {
      const res = await put('high', body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error?.code).toBe('BAD_REQUEST');
      expect(paths(res), JSON.stringify(body)).toEqual(expected);
    }
    const greater = await put('high', { firstResponseMinutes: 500, resolutionMinutes: 400 });
    expect(greater.body.error?.details?.errors).toEqual([
      { path: 'firstResponseMinutes', message: 'must not be greater than resolutionMinutes' },
    ]);
    const unknown = await put('high', { firstResponseMinutes: 60, resolutionMinutes: 400, x: 1 });
    expect(unknown.body.error?.details?.errors).toEqual([{ path: 'x', message: 'unknown field' }]);
    expect((await s.api.get<Policy>('/sla-policies/high')).body.data).toEqual(before);
  });

  it('is a 404 for a priority that does not exist', async () => {
    const res = await put('critical', { firstResponseMinutes: 10, resolutionMinutes: 20 });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ data: null, error: { code: 'NOT_FOUND' } });
    expect((await s.api.get<Policy[]>('/sla-policies')).body.data).toHaveLength(4);
  });

  it('needs the admin scope to change a policy, any valid key to read one', async () => {
    const reader = await buildKey(s.api, ['tickets:read']);
    const denied = await put('medium', { firstResponseMinutes: 10, resolutionMinutes: 20 }, reader.key);
    expect(denied.status).toBe(403);
    expect(denied.body.error).toMatchObject({
      code: 'FORBIDDEN',
      details: { required: 'admin', granted: ['tickets:read'] },
    });
    expect((await s.api.get('/sla-policies', { key: reader.key })).status).toBe(200);
    const medium = await s.api.get<Policy>('/sla-policies/medium', { key: reader.key });
    expect(medium.status).toBe(200);
    expect(medium.body.data).toMatchObject({ firstResponseMinutes: 480, resolutionMinutes: 2880 });
    expect((await s.api.get('/sla-policies', { key: null })).status).toBe(401);
  });
});
