import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKey, buildTicket } from '../helpers/factories.ts';
import { type ApiResponse, type TestServer, startTestServer } from '../helpers/server.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

let counter = 0;
const email = () => `gone-${Date.now().toString(36)}${(counter++).toString(36)}@example.com`;

function expectError(res: ApiResponse, status: number, code: string): void {
  expect(res.status, res.text).toBe(status);
  expect(res.body.data).toBeNull();
  expect(res.body.error?.code).toBe(code);
}

describe('DELETE /api/v1/contacts/:id', () => {
  it('is a 409 with the counts while tickets reference the contact', async () => {
    const address = email();
    const t = await buildTicket(s.api, { contactEmail: address });
    await buildTicket(s.api, { contactEmail: address });
    const res = await s.api.delete(`/contacts/${t.contactId}`);
    expectError(res, 409, 'CONFLICT');
    expect(res.body.error?.details).toEqual({ tickets: 2, conversations: 0 });
    expect(res.body.error?.message).toContain('2 ticket');
    expect((await s.api.get(`/contacts/${t.contactId}`)).status).toBe(200);
  });

  it('is a 409 while only a conversation references the contact', async () => {
    const conv = await s.api.post<{ contactId: string }>('/conversations', {
      channel: 'chat',
      participantEmail: email(),
      subject: 'Hello',
      body: 'Anyone there?',
    });
    const res = await s.api.delete(`/contacts/${conv.body.data.contactId}`);
    expectError(res, 409, 'CONFLICT');
    expect(res.body.error?.details).toEqual({ tickets: 0, conversations: 1 });
    expect(res.body.error?.message).toContain('1 conversation');
  });

  it('deletes a contact nothing references with 204', async () => {
    const created = await s.api.post<{ id: string }>('/contacts', { email: email(), name: 'Short-lived' });
    const res = await s.api.delete(`/contacts/${created.body.data.id}`);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expectError(await s.api.get(`/contacts/${created.body.data.id}`), 404, 'NOT_FOUND');
    expectError(await s.api.delete(`/contacts/${created.body.data.id}`), 404, 'NOT_FOUND');
  });

  it('becomes deletable once its last ticket is deleted', async () => {
    const t = await buildTicket(s.api, { contactEmail: email() });
    expectError(await s.api.delete(`/contacts/${t.contactId}`), 409, 'CONFLICT');
    expect((await s.api.delete(`/tickets/${t.id}`)).status).toBe(204);
    expect((await s.api.delete(`/contacts/${t.contactId}`)).status).toBe(204);
  });

  it('is a 404 for an unknown contact and a 403 without admin', async () => {
    const missing = await s.api.delete('/contacts/ctc_01ARZ3NDEKTSV4RRFFQ69G5FAV');
    expectError(missing, 404, 'NOT_FOUND');
    expect(missing.body.error?.message).toBe('contact ctc_01ARZ3NDEKTSV4RRFFQ69G5FAV not found');
    const created = await s.api.post<{ id: string }>('/contacts', { email: email() });
    const { key } = await buildKey(s.api, ['contacts:read', 'contacts:write']);
    const res = await s.api.delete(`/contacts/${created.body.data.id}`, { key });
    expectError(res, 403, 'FORBIDDEN');
    expect(res.body.error?.details).toMatchObject({ required: 'admin' });
    expect((await s.api.get(`/contacts/${created.body.data.id}`)).status).toBe(200);
  });
});
