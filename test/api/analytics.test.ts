import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKey, buildTicket } from '../helpers/factories.ts';
import { type ApiResponse, type TestServer, startTestServer } from '../helpers/server.ts';

interface Rollup {
  day: string;
  total: number;
  slaBreached: number;
  slaTotal: number;
}

interface Summary {
  days: number;
  tickets: number;
  byStatus: Record<string, number>;
  byPriority: Record<string, number>;
  slaBreached: number;
  slaTotal: number;
  slaComplianceRatio: number;
  medianFirstResponseMinutes: number | null;
  rollups: Rollup[];
}

const paths = (res: ApiResponse) => (res.body.error?.details?.errors ?? []).map((e) => e.path).sort();

async function summary(server: TestServer, query = ''): Promise<Summary> {
  const res = await server.api.get<Summary>(`/analytics/summary${query}`);
  expect(res.status, res.text).toBe(200);
  expect(res.body.meta).toBeUndefined();
  return res.body.data;
}

const day = (d: string, total: number, slaBreached: number): Rollup => ({
  day: d,
  total,
  slaBreached,
  slaTotal: total,
});

describe('GET /api/v1/analytics/summary on an empty desk', () => {
  let empty: TestServer;
  beforeAll(async () => {
    empty = await startTestServer();
  });
  afterAll(async () => {
    await empty.close();
  });

  it('is all zeros, compliance 1, no median, one rollup per day', async () => {
    expect(await summary(empty)).toEqual({
      days: 7,
      tickets: 0,
      byStatus: { open: 0, pending: 0, resolved: 0, closed: 0 },
      byPriority: { low: 0, medium: 0, high: 0, urgent: 0 },
      slaBreached: 0,
      slaTotal: 0,
      slaComplianceRatio: 1,
      medianFirstResponseMinutes: null,
      rollups: ['02', '01', '28', '27', '26', '25', '24'].map((d, i) =>
        day(i < 2 ? `2026-03-${d}` : `2026-02-${d}`, 0, 0),
      ),
    });
  });
});

describe('GET /api/v1/analytics/summary', () => {
  let s: TestServer;
  const at = (iso: string) => s.clock.set(iso);
  const reply = (id: string) => s.api.post(`/tickets/${id}/messages`, { body: 'Looking into it' });
  const setStatus = (id: string, status: string) => s.api.patch(`/tickets/${id}`, { status });
  let late = '';

  // Window of 7 days ending 2026-03-08T10:00Z starts at 2026-03-02T00:00:00.000Z.
  beforeAll(async () => {
    s = await startTestServer();
    at('2026-03-01T23:59:59.999Z'); // one millisecond before the 7-day window: never answered
    await buildTicket(s.api, { priority: 'medium' });

    at('2026-03-02T00:00:00.000Z'); // A: first instant of the window; answered in 30, resolved
    const a = await buildTicket(s.api, { priority: 'urgent' });
    at('2026-03-02T00:30:00.000Z');
    await reply(a.id);
    at('2026-03-02T01:00:00.000Z');
    await setStatus(a.id, 'resolved');

    at('2026-03-02T09:00:00.000Z'); // B: answered after 300 minutes, past its 240: breached
    const b = await buildTicket(s.api, { priority: 'high' });
    at('2026-03-02T14:00:00.000Z');
    await reply(b.id);

    at('2026-03-04T12:00:00.000Z'); // C: answered after 45.25 minutes, resolved in time
    const c = await buildTicket(s.api, { priority: 'medium' });
    at('2026-03-04T12:45:15.000Z');
    await reply(c.id);
    at('2026-03-04T13:00:00.000Z'); // D: never answered: breached at 21:00 that day
    await buildTicket(s.api, { priority: 'medium' });
    at('2026-03-04T14:00:00.000Z');
    await setStatus(c.id, 'resolved');

    at('2026-03-06T08:00:00.000Z'); // E: closed without a reply, in time
    const e = await buildTicket(s.api, { priority: 'urgent' });
    at('2026-03-06T08:10:00.000Z');
    await setStatus(e.id, 'closed');

    at('2026-03-08T09:00:00.000Z'); // F: answered after 20; resolution due 13:00 today
    const f = await buildTicket(s.api, { priority: 'urgent' });
    at('2026-03-08T09:20:00.000Z');
    await reply(f.id);

    at('2026-03-08T09:30:00.000Z'); // G: not answered yet
    late = (await buildTicket(s.api, { priority: 'high' })).id;
    at('2026-03-08T10:00:00.000Z');
  });
  afterAll(async () => {
    await s.close();
  });

  it('counts the last 7 days by status, priority, SLA and day', async () => {
    expect(await summary(s)).toEqual({
      days: 7,
      tickets: 7,
      byStatus: { open: 4, pending: 0, resolved: 2, closed: 1 },
      byPriority: { low: 0, medium: 2, high: 2, urgent: 3 },
      slaBreached: 2,
      slaTotal: 7,
      slaComplianceRatio: 0.714,
      // 20, 30, 45.25, 300: the mean of 30 and 45.25 is 37.625
      medianFirstResponseMinutes: 37.6,
      rollups: [
        day('2026-03-08', 2, 0),
        day('2026-03-07', 0, 0),
        day('2026-03-06', 1, 0),
        day('2026-03-05', 0, 0),
        day('2026-03-04', 2, 1),
        day('2026-03-03', 0, 0),
        day('2026-03-02', 2, 1),
      ],
    });
    expect(await summary(s, '?days=7')).toEqual(await summary(s));
  });

  it('moves the window with days: today only, one day more, a whole year', async () => {
    const today = await summary(s, '?days=1');
    expect(today).toMatchObject({
      days: 1,
      tickets: 2,
      byPriority: { low: 0, medium: 0, high: 1, urgent: 1 },
      slaBreached: 0,
      slaComplianceRatio: 1,
      medianFirstResponseMinutes: 20,
      rollups: [day('2026-03-08', 2, 0)],
    });
    const eight = await summary(s, '?days=8');
    expect(eight).toMatchObject({ tickets: 8, slaBreached: 3, slaComplianceRatio: 0.625 });
    expect(eight.rollups).toHaveLength(8);
    expect(eight.rollups.at(-1)).toEqual(day('2026-03-01', 1, 1));
    const year = await summary(s, '?days=365');
    expect(year).toMatchObject({ days: 365, tickets: 8, slaBreached: 3 });
    expect(year.rollups).toHaveLength(365);
    expect(year.rollups[0]?.day).toBe('2026-03-08');
    expect(year.rollups.at(-1)).toEqual(day('2025-03-09', 0, 0));
    expect(year.rollups.reduce((n, r) => n + r.total, 0)).toBe(8);
  });

  it('takes the middle value for an odd count of answered tickets', async () => {
    at('2026-03-08T11:10:15.000Z'); // G answered after 100.25 minutes
    await reply(late);
    const res = await summary(s);
    // 20, 30, 45.25, 100.25, 300
    expect(res.medianFirstResponseMinutes).toBe(45.3);
    expect(res.slaBreached).toBe(2);
  });

  it('counts a breach once the due time has passed, and not before', async () => {
    at('2026-03-08T13:00:00.000Z'); // F's resolution due time exactly
    expect((await summary(s)).slaBreached).toBe(2);
    at('2026-03-08T13:00:00.001Z');
    const res = await summary(s);
    expect(res).toMatchObject({ slaBreached: 3, slaTotal: 7, slaComplianceRatio: 0.571 });
    expect(res.rollups[0]).toEqual(day('2026-03-08', 2, 1));
  });

  it('starts a new window at midnight UTC', async () => {
    at('2026-03-09T00:00:00.000Z');
    const res = await summary(s);
    expect(res.rollups.map((r) => r.day)).toEqual([
      '2026-03-09',
      '2026-03-08',
      '2026-03-07',
      '2026-03-06',
      '2026-03-05',
      '2026-03-04',
      '2026-03-03',
    ]);
    // A and B (2026-03-02) have left the window.
    expect(res).toMatchObject({ tickets: 5, byStatus: { open: 3, pending: 0, resolved: 1, closed: 1 } });
    expect(res.rollups[0]).toEqual(day('2026-03-09', 0, 0));
  });

  it('rejects days out of range, non-integer, repeated or unknown parameters with 400', async () => {
    for (const query of ['?days=0', '?days=366', '?days=abc', '?days=1.5', '?days=-1', '?days=', '?days=7&days=8']) {
      const res = await s.api.get(`/analytics/summary${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error?.code).toBe('BAD_REQUEST');
      expect(paths(res), query).toEqual(['days']);
    }
    const unknown = await s.api.get('/analytics/summary?day=7');
    expect(unknown.status).toBe(400);
    expect(paths(unknown)).toEqual(['day']);
  });

  it('needs the analytics:read scope', async () => {
    const reader = await buildKey(s.api, ['tickets:read']);
    const denied = await s.api.get('/analytics/summary', { key: reader.key });
    expect(denied.status).toBe(403);
    expect(denied.body.error).toMatchObject({
      code: 'FORBIDDEN',
      details: { required: 'analytics:read', granted: ['tickets:read'] },
    });
    const analyst = await buildKey(s.api, ['analytics:read']);
    expect((await s.api.get('/analytics/summary', { key: analyst.key })).status).toBe(200);
  });
});
