// Team sync over real HTTP: a host (either engine) and replicas in SQLite folders of their own,
// joined with pairing codes, with a TCP proxy between them that a test cuts and restores.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sha256, storeContents, tinyPdf, uploadRaw } from '../helpers/attachments.ts';
import { buildTicket, buildUser } from '../helpers/factories.ts';
import { pollUntil } from '../helpers/processes.ts';
import { type TestReplica, expectSameRows, pairingCode, startReplica, waitInSync } from '../helpers/replica.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';
import { type TcpProxy, startTcpProxy } from '../helpers/tcpProxy.ts';

interface Ticket {
  id: string;
  subject: string;
  status: string;
  priority: string;
  tags: string[];
  assignedTo: string | null;
}
interface Message {
  id: string;
  body: string;
  internal: boolean;
}

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const thing of open.splice(0).reverse()) await thing.close();
});

async function host(): Promise<TestServer> {
  const s = await startTestServer();
  open.push(s);
  return s;
}

async function replicaOf(h: TestServer, url = h.url): Promise<TestReplica> {
  const r = await startReplica(h, url);
  open.push(r);
  await waitInSync(h, r);
  return r;
}

async function proxyTo(h: TestServer): Promise<TcpProxy> {
  const p = await startTcpProxy(h.port);
  open.push(p);
  return p;
}

const messagesOf = async (api: TestReplica['api'] | TestServer['api'], ticketId: string) =>
  (await api.get<Message[]>(`/tickets/${ticketId}/messages?limit=100`)).body.data;

describe('joining a host', () => {
  it('copies everything the host holds, so the replica answers reads by itself', async () => {
    const h = await host();
    const t = await buildTicket(h.api, { subject: 'Login page is blank' });
    await h.api.post(`/tickets/${t.id}/messages`, { body: 'Which browser?', internal: false });
    await h.api.patch(`/tickets/${t.id}`, { tags: ['web'] });
    const r = await replicaOf(h);

    const copy = await r.api.get<Ticket>(`/tickets/${t.id}`);
    expect(copy.status).toBe(200);
    expect(copy.body.data).toEqual((await h.api.get<Ticket>(`/tickets/${t.id}`)).body.data);
    // Search works on the copy: its index is rebuilt from the rows.
    const found = await r.api.get<Ticket[]>('/tickets?search=logi');
    expect(found.body.data.map((x) => x.id)).toEqual([t.id]);
    await expectSameRows(h, r);
    const status = await r.status();
    expect(status).toMatchObject({ role: 'replica', state: 'online', pending: 0, host: h.url, error: null, refused: [] });
    expect((await h.api.get('/sync/status')).body.data).toEqual({ role: 'host', devices: 1, cursor: status.cursor });
  });

  it('refuses a code used once already, and an expired one, with the same message', async () => {
    const h = await host();
    const code = await pairingCode(h);
    const first = await startReplica(h, h.url, code);
    open.push(first);
    await expect(startReplica(h, h.url, code)).rejects.toThrow(/the host refused to pair \(403\): the pairing code is not valid/);
    const late = await pairingCode(h);
    h.clock.advanceMinutes(11);
    await expect(startReplica(h, h.url, late)).rejects.toThrow(/the host refused to pair \(403\): the pairing code is not valid/);
  });

  it('keeps the change log to paired devices and admins, and away from replicas', async () => {
    const h = await host();
    const agent = await buildUser(h.api, { role: 'agent' });
    const agentKey = (await h.api.post<{ key: string }>('/api-keys', { name: 'a', scopes: ['tickets:read', 'tickets:write'], userId: agent.id })).body.data.key;
    const asAgent = await h.api.post('/sync/pull', { after: 0 }, { key: agentKey });
    expect(asAgent.status).toBe(403);
    expect(asAgent.body.error?.message).toMatch(/only a paired device/);
    expect((await h.api.get('/sync/checksums', { key: agentKey })).status).toBe(403);
    expect((await h.api.get('/sync/snapshot', { key: agentKey })).status).toBe(403);
    const r = await replicaOf(h);
    const onReplica = await r.api.post('/sync/pull', { after: 0 });
    expect(onReplica.status).toBe(503);
    expect(onReplica.body.error?.message).toMatch(/this install is a replica of/);
  });

  it('answers a bad pull precisely, and a cursor beyond its log with 409', async () => {
    const h = await host();
    const bad = await h.api.post('/sync/pull', { after: -1, keys: [{ table: 'sessions', key: ['x'] }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.message).toMatch(/after/);
    const table = await h.api.post('/sync/pull', { after: 0, keys: [{ table: 'sessions', key: ['x'] }] });
    expect(table.status).toBe(400);
    expect(table.body.error?.message).toBe('invalid body: keys.0.table: sessions is not a replicated table');
    const ahead = await h.api.post('/sync/pull', { after: 10_000_000 });
    expect(ahead.status).toBe(409);
    expect(ahead.body.error?.message).toMatch(/take a fresh snapshot/);
  });
});

describe('while connected', () => {
  it("brings the host's writes down and the replica's writes up, each applied once", async () => {
    const h = await host();
    const r = await replicaOf(h);
    const t = await buildTicket(h.api);
    await pollUntil(async () => (await r.api.get(`/tickets/${t.id}`)).status === 200, {
      timeoutMs: 10_000,
      describe: () => 'the host ticket never reached the replica',
    });

    const reply = await r.api.post<Message>(`/tickets/${t.id}/messages`, { body: 'Restart it, please' });
    expect(reply.status).toBe(201);
    const changed = await r.api.patch<Ticket>(`/tickets/${t.id}`, { priority: 'high', tags: ['printer'] });
    expect(changed.body.data).toMatchObject({ priority: 'high', tags: ['printer'] });
    await waitInSync(h, r);

    const onHost = await messagesOf(h.api, t.id);
    expect(onHost.map((m) => m.body)).toEqual([expect.any(String), 'Restart it, please']);
    expect((await h.api.get<Ticket>(`/tickets/${t.id}`)).body.data).toMatchObject({ priority: 'high', tags: ['printer'] });
    // The replica's own row was replaced by the host's: same ids on both.
    expect(await messagesOf(r.api, t.id)).toEqual(onHost);
    await expectSameRows(h, r);
  });

  it('refuses here, with the reason, what only the host can do', async () => {
    const h = await host();
    const r = await replicaOf(h);
    const key = await r.api.post('/api-keys', { name: 'x', scopes: ['tickets:read'] });
    expect(key.status).toBe(503);
    expect(key.body.error?.message).toBe(`this install is a replica of ${h.url}: a new key is made on the host (its secret is shown once); do this there`);
    expect((await r.status()).pending).toBe(0);
  });
});

describe('attachment files', () => {
  it('come down with their messages, so they open offline; an upload on a replica goes to the host', async () => {
    const h = await host();
    const p = await proxyTo(h);
    const r = await replicaOf(h, p.url);
    const t = await buildTicket(h.api);
    const file = await uploadRaw(h.url, h.adminKey, tinyPdf, { name: 'invoice.pdf', type: 'application/pdf' });
    expect(file.status).toBe(201);
    await h.api.post(`/tickets/${t.id}/messages`, { body: 'see attached', attachments: [file.body.data.id] });
    await waitInSync(h, r);
    // Fetched in the background after the pull, before anyone asks for it; then the host goes.
    await pollUntil(() => storeContents(r.dataDir).files.some((f) => f.endsWith(sha256(tinyPdf))), {
      timeoutMs: 10_000,
      describe: () => 'the file never reached the replica',
    });
    p.cut();
    const offline = await fetch(`${r.url}/api/v1/attachments/${file.body.data.id}/content`, { headers: { 'X-API-Key': h.adminKey } });
    expect(offline.status).toBe(200);
    expect(sha256(Buffer.from(await offline.arrayBuffer()))).toBe(sha256(tinyPdf));
    const upload = await uploadRaw(r.url, h.adminKey, 'hello', { name: 'a.txt', type: 'text/plain' });
    expect(upload.status).toBe(503);
    expect(upload.body.error?.message).toMatch(/files are uploaded to the host/);
  });
});

describe('cut off and back', () => {
  it('keeps working offline, then both sides converge with no message lost or doubled', async () => {
    const h = await host();
    const p = await proxyTo(h);
    const r = await replicaOf(h, p.url);
    const ada = await buildUser(h.api, { name: 'Ada', role: 'agent' });
    const adaKey = (await h.api.post<{ key: string }>('/api-keys', { name: 'ada', scopes: ['tickets:read', 'tickets:write'], userId: ada.id })).body.data.key;
    const t = await buildTicket(h.api, { priority: 'medium' });
    await h.api.patch(`/tickets/${t.id}`, { tags: ['billing'] });
    await waitInSync(h, r);

    p.cut();
    // On the replica, offline.
    await r.api.post(`/tickets/${t.id}/messages`, { body: 'offline reply' });
    await r.api.post(`/tickets/${t.id}/messages`, { body: 'offline note', internal: true });
    await r.api.patch(`/tickets/${t.id}`, { priority: 'high', status: 'pending', tags: ['billing', 'vip'] });
    const made = await r.api.post<Ticket>('/tickets', {
      subject: 'Made offline',
      description: 'Wi-Fi was down',
      contactEmail: 'offline@example.com',
    });
    expect(made.status).toBe(201);
    await r.api.post(`/tickets/${made.body.data.id}/messages`, { body: 'follow-up on the offline ticket' });
    // On the host meanwhile, by Ada.
    await h.api.post(`/tickets/${t.id}/messages`, { body: 'host reply' }, { key: adaKey });
    await h.api.patch(`/tickets/${t.id}`, { priority: 'urgent', tags: ['billing', 'refund'] }, { key: adaKey });

    const offline = await pollUntil(async () => {
      const s = await r.status();
      return s.state === 'offline' ? s : undefined;
    }, { timeoutMs: 10_000, describe: () => 'the replica never noticed the host was gone' });
    expect(offline.pending).toBe(5);
    // Reads keep working offline, with the local writes in them.
    expect((await r.api.get<Ticket>(`/tickets/${t.id}`)).body.data.priority).toBe('high');

    p.restore();
    await waitInSync(h, r);
    await expectSameRows(h, r);

    const ticket = (await h.api.get<Ticket>(`/tickets/${t.id}`)).body.data;
    // Ada's urgent arrived first: the replica's high lost; status was nobody else's: it applied.
    expect(ticket.priority).toBe('urgent');
    expect(ticket.status).toBe('pending');
    expect([...ticket.tags].sort()).toEqual(['billing', 'refund', 'vip']);
    const bodies = (await messagesOf(h.api, t.id)).map((m) => m.body);
    for (const body of ['offline reply', 'offline note', 'host reply']) expect(bodies.filter((b) => b === body)).toHaveLength(1);
    const lost = await r.api.get<{ type: string; data: Record<string, unknown> }[]>(`/events?resourceId=${t.id}&type=ticket.change_overtaken`);
    expect(lost.body.data.map((e) => e.data)).toEqual([
      { ticketId: t.id, field: 'priority', yourValue: 'high', theirValue: 'urgent', byUserId: ada.id, byName: 'Ada' },
    ]);
    // The ticket made offline exists once, with its follow-up, under the host's id.
    const offlineMade = (await h.api.get<Ticket[]>('/tickets?search=Made offline')).body.data;
    expect(offlineMade).toHaveLength(1);
    expect((await messagesOf(h.api, offlineMade[0]!.id)).map((m) => m.body)).toEqual(['Wi-Fi was down', 'follow-up on the offline ticket']);
    expect((await r.api.get<Ticket[]>('/tickets?search=Made offline')).body.data.map((x) => x.id)).toEqual([offlineMade[0]!.id]);
  });

  it("runs the side effects of a replica's queued write once, on the host only (a webhook here)", async () => {
    const h = await startTestServer({ config: { webhookPollMs: 20, webhookBackoffBaseMs: 50 } });
    open.push(h);
    const got: string[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        got.push(body);
        res.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    open.push({ close: () => new Promise<void>((resolve) => receiver.close(() => resolve())) });
    const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    expect((await h.api.post('/webhooks', { url: hookUrl, events: ['message.created'] })).status).toBe(201);
    const p = await proxyTo(h);
    const r = await replicaOf(h, p.url);
    const t = await buildTicket(h.api);
    await waitInSync(h, r);

    p.cut();
    await r.api.post(`/tickets/${t.id}/messages`, { body: 'queued while offline' });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(got.filter((b) => b.includes('queued while offline'))).toEqual([]); // nothing is sent from the replica
    p.restore();
    await waitInSync(h, r);
    await pollUntil(() => got.some((b) => b.includes('queued while offline')), {
      timeoutMs: 10_000,
      describe: () => 'the host never delivered the webhook for the pushed reply',
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(got.filter((b) => b.includes('queued while offline'))).toHaveLength(1);
  });

  it('shows a write the host refused, with its reason, until dismissed; the row goes back to the host version', async () => {
    const h = await host();
    const p = await proxyTo(h);
    const r = await replicaOf(h, p.url);
    const ada = await buildUser(h.api, { name: 'Ada', role: 'agent' });
    const t = await buildTicket(h.api);
    await waitInSync(h, r);

    p.cut();
    await h.api.patch(`/users/${ada.id}`, { active: false });
    const local = await r.api.patch<Ticket>(`/tickets/${t.id}`, { assignedTo: ada.id });
    expect(local.body.data.assignedTo).toBe(ada.id);
    p.restore();
    await waitInSync(h, r);

    const status = await r.status();
    expect(status.refused).toEqual([
      expect.objectContaining({ method: 'PATCH', path: `/api/v1/tickets/${t.id}`, status: 400, message: expect.stringMatching(/deactivated/) }),
    ]);
    expect((await r.api.get<Ticket>(`/tickets/${t.id}`)).body.data.assignedTo).toBeNull();
    await expectSameRows(h, r);
    const dismissed = await r.api.delete(`/sync/outbox/${status.refused[0]!.id}`);
    expect(dismissed.status).toBe(204);
    expect((await r.status()).refused).toEqual([]);
    expect((await r.api.delete(`/sync/outbox/${status.refused[0]!.id}`)).status).toBe(404);
    const onHost = await h.api.delete(`/sync/outbox/${status.refused[0]!.id}`);
    expect(onHost.status).toBe(404);
    expect(onHost.body.error?.message).toBe('a host has no queue of writes: this is for replicas');
  });

  it('goes offline with the reason when its device is revoked on the host', async () => {
    const h = await host();
    const r = await replicaOf(h);
    const devices = (await h.api.get<{ id: string }[]>('/devices')).body.data;
    await h.api.delete(`/devices/${devices[0]!.id}`);
    await buildTicket(h.api);
    const s = await pollUntil(async () => {
      const st = await r.status();
      return st.state === 'offline' ? st : undefined;
    }, { timeoutMs: 10_000, describe: () => 'the replica kept going with a revoked device' });
    expect(s.error).toMatch(/401/);
  });
});
