// ETag / If-Match / If-None-Match and Idempotency-Key, over real HTTP.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKey, buildTicket, type TicketData } from '../helpers/factories.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';
import { failInserts } from '../helpers/dbFaults.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

describe('ETag and If-Match', () => {
  it('gives single resources an ETag that changes with the resource, and 304 on If-None-Match', async () => {
    const t = await buildTicket(s.api);
    const first = await s.api.get(`/tickets/${t.id}`);
    const etag = first.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]{27}"$/);
    expect(first.headers.get('content-type')).toBe('application/json; charset=utf-8');
    // The ETag is the hash of exactly the `data` sent (SHA-256, base64url, 27 characters).
    const sent = JSON.stringify((JSON.parse(first.text) as { data: unknown }).data);
    expect(etag).toBe(`"${createHash('sha256').update(sent).digest('base64url').slice(0, 27)}"`);
    expect((await s.api.get(`/tickets/${t.id}`)).headers.get('etag')).toBe(etag);
    const notModified = await s.api.get(`/tickets/${t.id}`, { headers: { 'If-None-Match': etag ?? '' } });
    expect(notModified.status).toBe(304);
    expect(notModified.text).toBe('');
    await s.api.post(`/tickets/${t.id}/messages`, { body: 'A reply changes the representation' });
    expect((await s.api.get(`/tickets/${t.id}`)).headers.get('etag')).not.toBe(etag);
    expect((await s.api.get('/tickets')).headers.get('etag')).toBeNull();
  });

  it('applies a PATCH whose If-Match is current, and refuses a stale one with 412 changing nothing', async () => {
    const t = await buildTicket(s.api);
    const etag = (await s.api.get(`/tickets/${t.id}`)).headers.get('etag') ?? '';
    const ok = await s.api.patch<TicketData>(`/tickets/${t.id}`, { priority: 'high' }, { headers: { 'If-Match': etag } });
    expect(ok.status).toBe(200);
    expect(ok.body.data.priority).toBe('high');

    const stale = await s.api.patch(`/tickets/${t.id}`, { priority: 'low' }, { headers: { 'If-Match': etag } });
    expect(stale.status).toBe(412);
    expect(stale.body.error?.code).toBe('PRECONDITION_FAILED');
    const now = await s.api.get<TicketData>(`/tickets/${t.id}`);
    expect(now.body.data.priority).toBe('high');
    expect(stale.body.error?.details?.currentETag).toBe(now.headers.get('etag'));
    // Without If-Match, the last write wins.
    expect((await s.api.patch(`/tickets/${t.id}`, { priority: 'low' })).status).toBe(200);
    expect((await s.api.patch(`/tickets/${t.id}`, { priority: 'urgent' }, { headers: { 'If-Match': '*' } })).status).toBe(200);
  });

  it('checks If-Match on contacts: current applies, stale is refused', async () => {
    const contact = await s.api.post<{ id: string }>('/contacts', { email: 'etag-contact@example.com' });
    const etag = (await s.api.get(`/contacts/${contact.body.data.id}`)).headers.get('etag') ?? '';
    const ok = await s.api.patch(`/contacts/${contact.body.data.id}`, { name: 'First' }, { headers: { 'If-Match': etag } });
    expect(ok.status).toBe(200);
    const stale = await s.api.patch(`/contacts/${contact.body.data.id}`, { name: 'Second' }, { headers: { 'If-Match': etag } });
    expect(stale.status).toBe(412);
  });

  it('checks If-Match on other resources too (contacts, users)', async () => {
    const user = await s.api.post<{ id: string }>('/users', { name: 'Etag Agent', email: 'etag@example.com' });
    const etag = (await s.api.get(`/users/${user.body.data.id}`)).headers.get('etag') ?? '';
    await s.api.patch(`/users/${user.body.data.id}`, { name: 'Changed' });
    const stale = await s.api.patch(`/users/${user.body.data.id}`, { name: 'Mine' }, { headers: { 'If-Match': etag } });
    expect(stale.status).toBe(412);
  });
});

describe('Idempotency-Key', () => {
  const body = { subject: 'Once only', description: 'Retry me', contactEmail: 'retry@example.com' };

  it('returns the first response again without acting twice', async () => {
    const headers = { 'Idempotency-Key': 'create-ticket-1' };
    const first = await s.api.post<TicketData>('/tickets', body, { headers });
    const again = await s.api.post<TicketData>('/tickets', body, { headers });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const list = await s.api.get('/tickets?search=retry');
    expect(list.body.meta?.total).toBe(1);
  });

  it('refuses the same key with a different body with 409', async () => {
    const headers = { 'Idempotency-Key': 'create-ticket-2' };
    expect((await s.api.post('/tickets', body, { headers })).status).toBe(201);
    const other = await s.api.post('/tickets', { ...body, subject: 'Different' }, { headers });
    expect(other.status).toBe(409);
    expect(other.body.error?.code).toBe('CONFLICT');
  });

  it('keeps keys per API key, and forgets them after 24 hours', async () => {
    const key = (await buildKey(s.api, ['tickets:read', 'tickets:write'])).key;
    const headers = { 'Idempotency-Key': 'shared-name' };
    const mine = await s.api.post<TicketData>('/tickets', { ...body, subject: 'Mine' }, { headers });
    const theirs = await s.api.post<TicketData>('/tickets', { ...body, subject: 'Theirs' }, { headers, key });
    expect(theirs.status).toBe(201);
    expect(theirs.body.data.id).not.toBe(mine.body.data.id);
    s.clock.advanceMinutes(24 * 60 + 1);
    const later = await s.api.post<TicketData>('/tickets', { ...body, subject: 'Mine' }, { headers });
    expect(later.status).toBe(201);
    expect(later.body.data.id).not.toBe(mine.body.data.id);
  });

  it('does not remember failures, so a corrected retry can succeed', async () => {
    const headers = { 'Idempotency-Key': 'fix-and-retry' };
    const bad = await s.api.post('/tickets', { ...body, assignedTo: 'usr_01ARZ3NDEKTSV4RRFFQ69G5FAV' }, { headers });
    expect(bad.status).toBe(400);
    const fixed = await s.api.post('/tickets', { ...body, subject: 'Fixed' }, { headers });
    expect(fixed.status).toBe(201);
  });

  it('never replays a secret: a repeated key creation returns the key as null', async () => {
    const headers = { 'Idempotency-Key': 'new-key-1' };
    const body = { name: 'mail fetcher', scopes: ['tickets:write'] };
    const first = await s.api.post<{ id: string; key: string | null }>('/api-keys', body, { headers });
    expect(first.body.data.key).toMatch(/^ldk_/);
    const again = await s.api.post<{ id: string; key: string | null }>('/api-keys', body, { headers });
    expect(again.body.data.id).toBe(first.body.data.id);
    expect(again.body.data.key).toBeNull();
    const stored = await s.db.selectFrom('idempotency_keys').select('response').execute();
    expect(JSON.stringify(stored)).not.toContain(first.body.data.key ?? 'x');
  });

  it('rejects a malformed key', async () => {
    const res = await s.api.post('/tickets', body, { headers: { 'Idempotency-Key': 'x'.repeat(300) } });
    expect(res.status).toBe(400);
    expect(res.body.error?.details?.errors?.[0]?.path).toBe('Idempotency-Key');
  });
});

describe('concurrent writes', () => {
  it('commit independently: one failing request among many loses only its own writes', async () => {
    // Fails the ticket insert after the request has already created its contact.
    const undo = await failInserts(s.db, {
      name: 'explode',
      table: 'tickets',
      when: { column: 'subject', equals: 'explode' },
      message: 'disk on fire',
    });
    try {
      const bodies = Array.from({ length: 12 }, (_, i) => ({
        subject: i === 5 ? 'explode' : `Concurrent ${i}`,
        description: 'sent at the same time as the others',
        contactEmail: `concurrent-${i}@example.com`,
      }));
      const results = await Promise.all(bodies.map((body) => s.api.post<TicketData>('/tickets', body)));
      expect(results.map((r) => r.status)).toEqual(bodies.map((_, i) => (i === 5 ? 500 : 201)));
      for (const [i, res] of results.entries()) {
        const contacts = await s.api.get<unknown[]>(`/contacts?search=concurrent-${i}@example.com`);
        expect(contacts.body.data, `contact ${i}`).toHaveLength(i === 5 ? 0 : 1);
        if (i !== 5) expect((await s.api.get(`/tickets/${res.body.data.id}`)).status).toBe(200);
      }
    } finally {
      await undo();
    }
  });
});
