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

describe('POST /api/v1/tickets', () => {
  it('creates an open ticket whose description is the first customer message', async () => {
    const res = await s.api.post<TicketData>('/tickets', {
      subject: '  Cannot reset password ',
      description: 'The reset link returns a 404.',
      priority: 'high',
      contactEmail: 'Jane@Acme.com',
    });
    expect(res.status).toBe(201);
    const t = res.body.data;
    expect(t.id).toMatch(/^tkt_[0-9A-Z]{26}$/);
    expect(t).toMatchObject({
      subject: 'Cannot reset password',
      status: 'open',
      priority: 'high',
      contactEmail: 'jane@acme.com',
      assignedTo: null,
      firstResponseAt: null,
    });
    expect(t.createdAt).toBe('2026-03-02T09:00:00.000Z');
    const got = await s.api.get<TicketData>(`/tickets/${t.id}`);
    expect(got.status).toBe(200);
    expect(got.body.data.messages).toEqual([
      expect.objectContaining({ body: 'The reset link returns a 404.', sender: 'customer', internal: false }),
    ]);
  });
});
