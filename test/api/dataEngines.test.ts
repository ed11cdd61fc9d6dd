// Export on one engine, import on a fresh server of the other, and compare through the API: the
// export format is the same on SQLite and PostgreSQL, so a desk can move either way with it.
// In the SQLite project (no PostgreSQL cluster) the round trip is SQLite → SQLite; in the
// PostgreSQL project it is SQLite → PostgreSQL and PostgreSQL → SQLite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKey, buildUser } from '../helpers/factories.ts';
import { tinyPng, uploadRaw } from '../helpers/attachments.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';
import { onPostgres } from '../helpers/testDatabase.ts';

type Engine = 'sqlite' | 'postgres';
const trips: [Engine, Engine][] = onPostgres
  ? [
      ['sqlite', 'postgres'],
      ['postgres', 'sqlite'],
    ]
  : [['sqlite', 'sqlite']];

interface Made {
  ticketId: string;
  convertedId: string;
  conversationId: string;
  contactId: string;
  attachmentId: string;
}

/** Something in every exported table, through the API where there is one (s.db otherwise). */
async function populate(s: TestServer): Promise<Made> {
  const { api } = s;
  const post = async <T = { id: string }>(path: string, body: unknown) => {
    const res = await api.post<T>(path, body);
    if (res.status !== 201 && res.status !== 200) throw new Error(`${path}: ${res.status} ${res.text}`);
    return res.body.data;
  };
  const agent = await buildUser(api, { name: 'Agent Smith' });
  await buildKey(api, ['tickets:read'], { rateLimitPerMinute: 30 });
  const project = await post('/projects', { name: 'Billing' });
  expect((await api.request('PUT', '/sla-policies/urgent', { firstResponseMinutes: 30, resolutionMinutes: 120 })).status).toBe(200);
  await post('/macros', { name: 'Thanks', body: 'Thanks {{contact.name}}', actions: { status: 'pending', addTags: ['macro'] } });
  const contact = await post('/contacts', { email: 'zelda@hyrule.example', name: 'Zelda Harkness', company: 'Hyrule' });
  const ticket = await post('/tickets', {
    subject: 'Quokka printer jam',
    description: 'The wombat tray is stuck',
    contactEmail: 'zelda@hyrule.example',
    priority: 'urgent',
    assignedTo: agent.id,
    projectId: project.id,
    tags: ['hardware', 'vip'],
  });
  const file = await uploadRaw(s.url, s.adminKey, tinyPng, { name: 'screen.png', type: 'image/png' });
  expect(file.status).toBe(201);
  await post(`/tickets/${ticket.id}/messages`, { body: 'Tried the platypus reset', sender: 'agent', attachments: [file.body.data.id] });
  await post(`/tickets/${ticket.id}/messages`, { body: 'internal numbat note', internal: true });
  const conversation = await post('/conversations', { channel: 'chat', participantEmail: 'link@hyrule.example', subject: 'Echidna login', body: 'cannot log in' });
  await post(`/conversations/${conversation.id}/messages`, { body: 'still failing axolotl', sender: 'customer' });
  const converted = await post(`/conversations/${conversation.id}/ticket`, { priority: 'high' });
  const open = await post('/conversations', { channel: 'email', participantEmail: 'mido@kokiri.example', subject: 'Narwhal question', body: 'where is my order' });
  await post('/views', { name: 'Urgent and mine', filters: { priority: ['urgent'], assignedTo: 'me' } });
  const webhook = await post('/webhooks', { url: 'https://hooks.example/in', events: ['ticket.*'], active: false });
  // Deliveries, attempts and workflows have no create route that works offline: written directly.
  const now = s.clock.now().toISOString();
  const event = await s.db.selectFrom('events').select('id').orderBy('seq').limit(1).executeTakeFirstOrThrow();
  await s.db.insertInto('webhook_deliveries').values({
    id: 'dlv_01TEST', webhook_id: webhook.id, event_id: event.id, status: 'failed', attempts: 2, next_attempt_at: null,
    last_status_code: 500, last_error: 'boom', created_at: now, updated_at: now,
  }).execute();
  for (const attempt of [1, 2]) {
    await s.db.insertInto('webhook_attempts').values({
      delivery_id: 'dlv_01TEST', attempt, status_code: 500, error: 'boom', duration_ms: 12, created_at: now,
    }).execute();
  }
  await s.db.insertInto('workflows').values({
    id: 'wfl_01TEST', name: 'Escalate', trigger: 'ticket.created', conditions: '[]', actions: '[]', active: 0,
    run_count: 3, last_run_at: now, created_at: now, updated_at: now,
  }).execute();
  return { ticketId: ticket.id, convertedId: converted.id, conversationId: open.id, contactId: contact.id, attachmentId: file.body.data.id };
}

async function download(s: TestServer, path: string): Promise<{ status: number; type: string; body: Buffer }> {
  const res = await fetch(`${s.url}/api/v1${path}`, { headers: { 'X-API-Key': s.adminKey } });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: Buffer.from(await res.arrayBuffer()) };
}

async function postImport(s: TestServer, body: Buffer | string, type: string) {
  // (a Buffer is a valid fetch body at run time; its DOM type is narrower)
  const res = await fetch(`${s.url}/api/v1/import`, { method: 'POST', headers: { 'X-API-Key': s.adminKey, 'Content-Type': type }, body: body as unknown as BodyInit });
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) as { data: { imported: Record<string, number>; merged: Record<string, number> }; error: { message: string } | null } };
}

/** Rows of an NDJSON export by table, as JSON with sorted keys (column order may differ by engine). */
function rowsOf(
  ndjson: string,
  skip: (table: string, row: Record<string, unknown>) => boolean,
  map: Record<string, string> = {},
): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of ndjson.trimEnd().split('\n').slice(1, -1)) {
    const { table, row } = JSON.parse(line) as { table: string; row: Record<string, unknown> };
    if (skip(table, row)) continue;
    // Reference columns are remapped on import (a whole value), never text inside JSON columns.
    const mapped = Object.entries(row).map(([k, v]) => [k, typeof v === 'string' ? (map[v] ?? v) : v] as const);
    const sorted = Object.fromEntries(mapped.sort(([a], [b]) => a.localeCompare(b)));
    out.set(table, [...(out.get(table) ?? []), JSON.stringify(sorted)].sort());
  }
  return out;
}

describe.each(trips)('export on %s, import on %s', (from, to) => {
  let src: TestServer;
  let dst: TestServer;
  let made: Made;
  let archive: Buffer;
  let srcExport: string;
  /** The bootstrap admin of each server (the import merges the source's into the target's). */
  let srcAdmin: string;
  let dstAdmin: string;

  beforeAll(async () => {
    src = await startTestServer({ engine: from });
    dst = await startTestServer({ engine: to });
    srcAdmin = (await src.api.get<{ id: string }>('/users/me')).body.data.id;
    dstAdmin = (await dst.api.get<{ id: string }>('/users/me')).body.data.id;
    made = await populate(src);
    const tar = await download(src, '/export?format=tar');
    expect(tar.status).toBe(200);
    expect(tar.type).toMatch(/^application\/x-tar/);
    archive = tar.body;
    srcExport = (await download(src, '/export')).body.toString('utf8');
  });
  afterAll(async () => {
    await src?.close();
    await dst?.close();
  });

  it('imports the archive, and the records read back the same through the API', async () => {
    const res = await postImport(dst, archive, 'application/x-tar');
    expect(res.status, res.text).toBe(200);
    expect(res.body.data.imported).toMatchObject({ tickets: 2, conversations: 2, attachments: 1, webhook_attempts: 2, workflows: 1 });
    // Every desk's first admin is admin@localhost: the same person, merged.
    expect(res.body.data.merged.users).toBe(1);

    for (const path of [
      `/tickets/${made.ticketId}`,
      `/tickets/${made.convertedId}`,
      `/tickets/${made.ticketId}/messages`,
      `/conversations/${made.conversationId}`,
      `/contacts/${made.contactId}`,
      `/attachments/${made.attachmentId}`,
    ]) {
      const [a, b] = [await src.api.get(path), await dst.api.get(path)];
      expect(b.status, `${path}: ${b.text}`).toBe(200);
      expect(JSON.stringify(b.body.data).replaceAll(dstAdmin, 'ADMIN'), path).toBe(
        JSON.stringify(a.body.data).replaceAll(srcAdmin, 'ADMIN'),
      );
    }
    const bytes = await download(dst, `/attachments/${made.attachmentId}/content`);
    expect(bytes.status).toBe(200);
    expect(bytes.body.equals(tinyPng)).toBe(true);
  });

  it('rebuilds the search index on the target: tickets, threads and contacts are found', async () => {
    const ticket = await dst.api.get<{ id: string }[]>('/tickets?search=platypus');
    expect(ticket.status).toBe(200);
    expect(ticket.body.data.map((t) => t.id)).toEqual([made.ticketId]);
    const conversation = await dst.api.get<{ id: string }[]>('/conversations?search=narwhal');
    expect(conversation.body.data.map((c) => c.id)).toEqual([made.conversationId]);
    const contact = await dst.api.get<{ id: string }[]>('/contacts?search=harkness');
    expect(contact.body.data.map((c) => c.id)).toEqual([made.contactId]);
  });

  it('exports from the target every row the source exported (ids mapped for the merged admin)', async () => {
    const again = (await download(dst, '/export')).body.toString('utf8');
    const [srcId, dstId] = [srcAdmin, dstAdmin];
    // The merged admin's own row and keys stay the target's; SLA policies take the imported values.
    const skip = (table: string, row: Record<string, unknown>) =>
      (table === 'users' && row.email === 'admin@localhost') || (table === 'api_keys' && row.user_id === dstId);
    const want = rowsOf(srcExport, skip, { [srcId]: dstId });
    const got = rowsOf(again, skip);
    for (const [table, rows] of want) {
      if (table === 'api_keys') continue; // the source admin's key became a key of the target admin
      for (const row of rows) expect(got.get(table) ?? [], table).toContain(row);
    }
    expect(want.get('tickets')?.length).toBe(2);
  });

  it('importing the same archive again changes nothing (idempotent by id)', async () => {
    const res = await postImport(dst, archive, 'application/x-tar');
    expect(res.status, res.text).toBe(200);
    expect(Object.entries(res.body.data.imported).filter(([, n]) => n > 0)).toEqual([]);
  });

  it('a backup is the SQLite file: on PostgreSQL a 503 that says what to use instead', async () => {
    const res = await src.api.post<{ path: string }>('/admin/backup', {});
    if (from === 'sqlite') {
      expect(res.status, res.text).toBe(201);
      return;
    }
    expect(res.status).toBe(503);
    expect(res.body.error?.message).toBe(
      'a backup (POST /admin/backup) copies the SQLite database file, which a PostgreSQL install does not have: ' +
        'back up PostgreSQL with its own tools (pg_dump), or take GET /export?format=tar, which works on both engines',
    );
  });

  it('a broken reference is a 400 naming its line, and nothing is written', async () => {
    const before = (await dst.api.get<unknown[]>('/tickets?limit=100')).body.data.length;
    const lines = srcExport.trimEnd().split('\n');
    const bad = JSON.parse(lines.find((l) => l.startsWith('{"table":"tickets"')) ?? '{}') as { row: Record<string, unknown> };
    bad.row.id = 'tkt_01NEWTICKETWITHBADREF';
    bad.row.number = 999;
    bad.row.contact_id = 'cnt_01NOSUCHCONTACT';
    const text = [lines[0], `{"table":"tickets","row":${JSON.stringify(bad.row)}}`, '{"end":true,"rows":1}'].join('\n');
    const res = await postImport(dst, text, 'application/x-ndjson');
    expect(res.status).toBe(400);
    expect(res.body.error?.message).toBe('line 2: this tickets row refers to a record that is neither in the database nor earlier in the file');
    expect((await dst.api.get<unknown[]>('/tickets?limit=100')).body.data.length).toBe(before);
  });
});
