// GET /tickets?sla=breached|due-soon: the inbox's "SLA breaching" view and its count.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTicket, type TicketData } from '../helpers/factories.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

const list = async (query: string) => {
  const res = await s.api.get<TicketData[]>(`/tickets?${query}&limit=100`);
  expect(res.status, query).toBe(200);
  return { ids: res.body.data.map((t) => t.id).sort(), total: res.body.meta?.total, tickets: res.body.data };
};

describe('GET /api/v1/tickets?sla=', () => {
  it('lists exactly the breached tickets, and the due-soon ones, as time passes', async () => {
    // Urgent: first response due in 60 min, resolution in 240. Low: 1440 / 5760.
    const urgent = await buildTicket(s.api, { priority: 'urgent' });
    const answered = await buildTicket(s.api, { priority: 'urgent' });
    await s.api.post(`/tickets/${answered.id}/messages`, { body: 'On it' });
    const low = await buildTicket(s.api, { priority: 'low' });
    const resolvedInTime = await buildTicket(s.api, { priority: 'urgent' });
    await s.api.patch(`/tickets/${resolvedInTime.id}`, { status: 'resolved' });

    // At once nothing is breached; the unanswered urgent ticket's first response (60 min) is due
    // within 120 minutes, the answered one now waits on resolution (240 min), the low one on 1440.
    expect((await list('sla=breached')).ids).toEqual([]);
    expect((await list('sla=due-soon')).ids).toEqual([urgent.id]);

    // 90 minutes on: the unanswered urgent ticket missed its first response.
    s.clock.advanceMinutes(90);
    const breached = await list('sla=breached');
    expect(breached.ids).toEqual([urgent.id]);
    expect(breached.total).toBe(1);
    expect(breached.tickets.every((t) => t.sla.breached)).toBe(true);
    // The answered one waits on resolution (due at 240): not yet within 120 minutes of 90.
    expect((await list('sla=due-soon')).ids).toEqual([]);

    // 150 minutes: resolution of the answered one is due within 120 minutes.
    s.clock.advanceMinutes(60);
    expect((await list('sla=due-soon')).ids).toEqual([answered.id]);

    // Combined with other filters, and counted like any other filter.
    const view = await list('status=open,pending&sla=breached&priority=urgent');
    expect(view.ids).toEqual([urgent.id]);
    expect((await list('sla=breached&priority=low')).ids).toEqual([]);
    expect((await list(`sla=breached&contactId=${low.contactId}`)).ids).toEqual([]);
    expect((await list(`sla=breached&contactId=${urgent.contactId}`)).ids).toEqual([urgent.id]);

    // The whole list agrees with the flag every ticket carries.
    const all = await list('status=open,pending,resolved,closed');
    const flagged = all.tickets.filter((t) => t.sla.breached).map((t) => t.id).sort();
    expect((await list('sla=breached')).ids).toEqual(flagged);
  });

  it('also works beside a search and past the first page', async () => {
    const t = await buildTicket(s.api, { priority: 'urgent', subject: 'Quetzal cannot sync' });
    s.clock.advanceMinutes(61);
    expect((await list('search=quetzal&sla=breached')).ids).toEqual([t.id]);
    const deep = await s.api.get<TicketData[]>('/tickets?sla=breached&offset=500&limit=10');
    expect(deep.status).toBe(200);
    expect(deep.body.data).toEqual([]);
  });

  it('rejects an unknown value with 400 naming the parameter', async () => {
    const res = await s.api.get('/tickets?sla=late');
    expect(res.status).toBe(400);
    expect(res.body.error?.details?.errors?.[0]?.path).toBe('sla');
  });
});
