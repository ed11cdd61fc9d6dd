import { cpSync } from 'node:fs';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportTables } from '../../server/domain/data/format.ts';
import { buildKey, buildTicket, buildUser } from '../helpers/factories.ts';
import { uploadRaw } from '../helpers/attachments.ts';
import { type ApiClient, type TestServer, rawRequest, startTestServer } from '../helpers/server.ts';

type Rows = Record<string, string[]>;
interface Me {
  id: string;
}
interface ImportResult {
  imported: Record<string, number>;
  skipped: Record<string, number>;
  merged: Record<string, number>;
}

/** Columns that are local to one database file (or computed), so never compared. */
const local: Record<string, string[]> = {
  tickets: ['seq', 'status_rank', 'priority_rank'],
  conversations: ['seq'],
  events: ['seq'],
  webhooks: ['since_seq'],
  webhook_deliveries: ['seq'],
  webhook_attempts: ['id'],
};

/** Every exported table's rows, as sorted JSON strings, with values equal to `from` mapped. */
function snapshot(sqlite: BetterSqlite3.Database, map: Record<string, string> = {}): Rows {
  const out: Rows = {};
  for (const table of exportTables) {
    const rows = sqlite.prepare(`select * from ${table}`).all() as Record<string, unknown>[];
    out[table] = rows
      .map((row) => {
        for (const column of local[table] ?? []) delete row[column];
        for (const [k, v] of Object.entries(row)) if (typeof v === 'string' && map[v]) row[k] = map[v];
        return JSON.stringify(row);
      })
      .sort();
  }
  return out;
}

/** The words of every search entry, keyed by the owner's id (whitespace is not significant). */
function searchText(sqlite: BetterSqlite3.Database): string[] {
  const words = (...parts: string[]) => parts.join(' ').split(/\s+/).filter(Boolean).join(' ');
  const rows = [
    ...(sqlite.prepare('select t.id, f.subject, f.description, f.messages from ticket_fts f join tickets t on t.seq = f.rowid').all() as Record<string, string>[]),
    ...(sqlite.prepare('select c.id, f.subject, f.messages from conversation_fts f join conversations c on c.seq = f.rowid').all() as Record<string, string>[]),
  ];
  return rows.map(({ id, ...rest }) => `${id}: ${words(...Object.values(rest))}`).sort();
}

async function exportText(s: TestServer): Promise<{ status: number; headers: Headers; text: string }> {
  const res = await fetch(`${s.url}/api/v1/export`, { headers: { 'X-API-Key': s.adminKey } });
  return { status: res.status, headers: res.headers, text: await res.text() };
}

function importText(api: ApiClient, text: string, type = 'application/x-ndjson') {
  return api.post<ImportResult>('/import', undefined, { raw: text, headers: { 'Content-Type': type } });
}

/** Something in every exported table, through the API where there is one. */
async function populate(s: TestServer): Promise<{ ticketId: string; convertedId: string; conversationId: string; contactId: string }> {
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
  const file = await uploadRaw(s.url, s.adminKey, 'the printer log', { name: 'printer.log', type: 'text/plain' });
  await post(`/tickets/${ticket.id}/messages`, { body: 'Tried the platypus reset', sender: 'agent', attachments: [file.body.data.id] });
  await post(`/tickets/${ticket.id}/messages`, { body: 'internal numbat note', internal: true });
  const other = await post('/tickets', { subject: 'Duplicate jam', description: 'same printer', contactEmail: 'zelda@hyrule.example' });
  await post(`/tickets/${other.id}/messages`, { body: 'pangolin detail', sender: 'customer' });
  await post(`/tickets/${ticket.id}/merge`, { sourceIds: [other.id] });
  const conversation = await post('/conversations', { channel: 'chat', participantEmail: 'link@hyrule.example', subject: 'Echidna login', body: 'cannot log in' });
  await post(`/conversations/${conversation.id}/messages`, { body: 'still failing axolotl', sender: 'customer' });
  const converted = await post(`/conversations/${conversation.id}/ticket`, { priority: 'high' });
  const open = await post('/conversations', { channel: 'email', participantEmail: 'mido@kokiri.example', subject: 'Narwhal question', body: 'where is my order' });
  await post('/views', { name: 'Urgent and mine', filters: { priority: ['urgent'], assignedTo: 'me' } });
  const webhook = await post('/webhooks', { url: 'https://hooks.example/in', events: ['ticket.*'], active: false });
  const now = s.clock.now().toISOString();
  const event = s.sqlite.prepare('select id from events order by seq limit 1').get() as { id: string };
  s.sqlite.prepare(`insert into webhook_deliveries (id, webhook_id, event_id, status, attempts, next_attempt_at,
    last_status_code, last_error, created_at, updated_at) values ('dlv_01TEST', ?, ?, 'failed', 2, null, 500, 'boom', ?, ?)`)
    .run(webhook.id, event.id, now, now);
  const attempt = s.sqlite.prepare(`insert into webhook_attempts (delivery_id, attempt, status_code, error, duration_ms,
    created_at) values ('dlv_01TEST', ?, 500, 'boom', 12, ?)`);
  attempt.run(1, now);
  attempt.run(2, now);
  s.sqlite.prepare(`insert into workflows (id, name, trigger, conditions, actions, active, run_count, last_run_at,
    created_at, updated_at) values ('wfl_01TEST', 'Escalate', 'ticket.created', '[]', '[]', 0, 3, ?, ?, ?)`).run(now, now, now);
  return { ticketId: ticket.id, convertedId: converted.id, conversationId: open.id, contactId: contact.id };
}

let src: TestServer;
let dst: TestServer;
let made: Awaited<ReturnType<typeof populate>>;
let file: string;
beforeAll(async () => {
  src = await startTestServer();
  dst = await startTestServer();
  made = await populate(src);
  // A plain NDJSON export carries attachment rows, not their files: this folder already has them.
  cpSync(join(src.dataDir, 'attachments'), join(dst.dataDir, 'attachments'), { recursive: true });
  const res = await exportText(src);
  expect(res.status).toBe(200);
  file = res.text;
});
afterAll(async () => {
  await src.close();
  await dst.close();
});

describe('GET /api/v1/export', () => {
  it('streams a header, one line per row in dependency order, and an end line', async () => {
    const res = await exportText(src);
    expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="localdesk-2026-03-02T09-00-00\.000Z\.ndjson"$/);
    const lines = res.text.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines[0]).toMatchObject({ format: 'localdesk-export', version: 1, exportedAt: '2026-03-02T09:00:00.000Z' });
    expect(lines.at(-1)).toEqual({ end: true, rows: lines.length - 2 });
    const order = [...new Set(lines.slice(1, -1).map((l) => l.table as string))];
    expect(order).toEqual(exportTables.filter((t) => order.includes(t)));
    expect(order).toEqual([...exportTables]); // every table has a row
    const ticket = lines.find((l) => l.table === 'tickets')?.row as Record<string, unknown>;
    expect(Object.keys(ticket)).not.toContain('seq');
    expect(Object.keys(ticket)).not.toContain('status_rank');
  });
});

describe('POST /api/v1/import', () => {
  it('reproduces every record in an empty data directory, and it works through the API', async () => {
    const srcAdmin = (await src.api.get<Me>('/users/me')).body.data.id;
    const dstAdmin = (await dst.api.get<Me>('/users/me')).body.data.id;
    const order = (db: BetterSqlite3.Database) => (db.prepare('select id from events order by seq').all() as { id: string }[]).map((r) => r.id);
    const localEvents = order(dst.sqlite);
    const before = snapshot(dst.sqlite);
    const res = await importText(dst.api, file);
    expect(res.status).toBe(200);
    // Both folders' first admin is admin@localhost: the imported one merges into the local one.
    expect(res.body.data.merged.users).toBe(1);
    expect(res.body.data.imported.tickets).toBe(3);

    const source = snapshot(src.sqlite, { [srcAdmin]: dstAdmin });
    const after = snapshot(dst.sqlite);
    for (const table of exportTables) {
      let incoming = source[table] ?? [];
      if (table === 'users') incoming = incoming.filter((row) => !row.includes(`"id":"${dstAdmin}"`));
      const expected = table === 'sla_policies' ? incoming : [...new Set([...(before[table] ?? []), ...incoming])].sort();
      expect({ table, rows: after[table] }).toEqual({ table, rows: expected });
    }
    // Search entries hold the same words as the ones the source built up message by message.
    expect(searchText(dst.sqlite)).toEqual(searchText(src.sqlite));
    const indexed = dst.sqlite.prepare('select count(*) n from contacts c join contact_fts f on f.contact_id = c.id').get();
    expect(indexed).toEqual({ n: (src.sqlite.prepare('select count(*) n from contacts').get() as { n: number }).n });
    // The feed keeps its order, below every local event, so nothing replays it as new.
    expect(localEvents.length).toBeGreaterThan(0);
    expect(order(dst.sqlite)).toEqual([...order(src.sqlite), ...localEvents]);

    // Same answers from the API, with the merged admin's id in place of the source's.
    const same = async (path: string) => {
      const a = await src.api.get(path);
      const b = await dst.api.get(path);
      expect(b.status).toBe(200);
      expect(b.text.replaceAll(srcAdmin, dstAdmin)).toBe(a.text.replaceAll(srcAdmin, dstAdmin));
    };
    await same(`/tickets/${made.ticketId}`);
    await same(`/tickets/${made.convertedId}`);
    await same(`/tickets/${made.ticketId}/messages`);
    await same(`/conversations/${made.conversationId}`);
    await same(`/contacts/${made.contactId}`);
    await same('/sla-policies');
    await same('/tags');
    await same('/macros');
    const ticket = (await dst.api.get<{ tags: string[]; sla: { firstResponseDueAt: string } }>(`/tickets/${made.ticketId}`)).body.data;
    expect(ticket.tags).toEqual(['hardware', 'vip']);
    expect(ticket.sla.firstResponseDueAt).toBe('2026-03-02T09:30:00.000Z');

    // Search entries were rebuilt: subject, description, later messages (merged ones too).
    const ids = async (path: string) => (await dst.api.get<{ id: string }[]>(path)).body.data.map((t) => t.id);
    for (const word of ['quokka', 'wombat', 'platypus', 'pangolin']) {
      expect(await ids(`/tickets?search=${word}`)).toEqual([made.ticketId]);
    }
    expect(await ids('/tickets?search=axolotl')).toEqual([made.convertedId]);
    expect(await ids('/conversations?search=narwhal')).toEqual([made.conversationId]);
    expect(await ids('/contacts?search=harkness')).toEqual([made.contactId]);

    // The source's keys came along: its admin key works here.
    const me = await dst.api.get<Me>('/users/me', { key: src.adminKey });
    expect(me.body.data.id).toBe(dstAdmin);
  });

  it('changes nothing when the same file is imported again', async () => {
    const before = snapshot(dst.sqlite);
    const fts = dst.sqlite.prepare('select count(*) n from ticket_fts').get();
    const res = await importText(dst.api, file);
    expect(res.status).toBe(200);
    expect(Object.values(res.body.data.imported).every((n) => n === 0)).toBe(true);
    const lines = file.trimEnd().split('\n').length - 2;
    expect(Object.values(res.body.data.skipped).reduce((a, b) => a + b, 0)).toBe(lines);
    expect(snapshot(dst.sqlite)).toEqual(before);
    expect(dst.sqlite.prepare('select count(*) n from ticket_fts').get()).toEqual(fts);
  });
});

describe('POST /api/v1/import: ticket numbers', () => {
  it('keeps each imported ticket’s number when it is free and gives the next free one otherwise', async () => {
    const busy = await startTestServer();
    try {
      // This folder already has tickets #1 and #2: the file's #1, #2 and #3 cannot all stay.
      const local = [await buildTicket(busy.api), await buildTicket(busy.api)];
      expect(local.map((t) => t.number)).toEqual([1, 2]);
      cpSync(join(src.dataDir, 'attachments'), join(busy.dataDir, 'attachments'), { recursive: true });
      const res = await importText(busy.api, file);
      expect(res.body.error).toBeNull();
      expect(res.status).toBe(200);
      const rows = busy.sqlite.prepare('select id, number from tickets order by number').all() as { id: string; number: number }[];
      expect(rows.map((r) => r.number)).toEqual([1, 2, 3, 4, 5]);
      expect(rows.slice(0, 2).map((r) => r.id)).toEqual(local.map((t) => t.id));
      // The file's #3 was free and kept; the other two got the next numbers.
      const fromFile = src.sqlite.prepare('select id, number from tickets').all() as { id: string; number: number }[];
      const third = fromFile.find((t) => t.number === 3);
      expect(rows.find((r) => r.id === third?.id)?.number).toBe(3);
      const fresh = await buildTicket(busy.api);
      expect(fresh.number).toBe(6);
    } finally {
      await busy.close();
    }
  });
});

describe('POST /api/v1/import: refusals', () => {
  let fresh: TestServer;
  let empty: Rows;
  beforeAll(async () => {
    fresh = await startTestServer();
    await fresh.api.get('/users/me'); // the key's first use sets its last_used_at
    empty = snapshot(fresh.sqlite);
  });
  afterAll(() => fresh.close());

  const lines = () => file.trimEnd().split('\n');
  const expectRefused = async (text: string, line: number, message: RegExp) => {
    const res = await importText(fresh.api, text);
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('BAD_REQUEST');
    expect(res.body.error?.details?.line).toBe(line);
    expect(res.body.error?.message).toMatch(message);
    expect(snapshot(fresh.sqlite)).toEqual(empty);
  };

  it('rejects malformed JSON with 400 naming the line, and imports nothing', async () => {
    const l = lines();
    l[4] = '{"table":"users","row":';
    await expectRefused(l.join('\n'), 5, /^line 5: malformed JSON/);
  });

  it('rejects an unknown table, a bad value and a missing header, naming the line', async () => {
    const l = lines();
    await expectRefused([...l.slice(0, 3), '{"table":"gadgets","row":{}}', ...l.slice(4)].join('\n'), 4, /unknown table "gadgets"/);
    const bad = l.map((x) => x.replace(/"created_at":"[^"]+"/, '"created_at":"yesterday"'));
    await expectRefused(bad.join('\n'), 2, /^line 2: users\.created_at: must be an ISO-8601 timestamp/);
    await expectRefused(l.slice(1).join('\n'), 1, /not a LocalDesk export header/);
  });

  it('rejects a file that was cut short', async () => {
    const l = lines();
    await expectRefused(l.slice(0, -1).join('\n'), l.length, /cut short/);
    await expectRefused([...l.slice(0, 3), ...l.slice(4)].join('\n'), l.length - 1, /lines are missing/);
  });

  it('rolls everything back when a row refers to nothing, naming its line', async () => {
    const l = lines();
    const at = l.findIndex((x) => x.startsWith('{"table":"messages"'));
    l[at] = l[at]!.replace(/"ticket_id":"tkt_[^"]+"/, '"ticket_id":"tkt_00000000000000000000000000"');
    await expectRefused(l.join('\n'), at + 1, /messages row refers to a record that is neither/);
  });

  it('answers 415 for a body that is not NDJSON', async () => {
    const res = await importText(fresh.api, file, 'application/json');
    expect(res.status).toBe(415);
    expect(res.body.error?.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 413 for a body declared larger than 1 GiB, before reading it', async () => {
    const res = await rawRequest(`${fresh.url}/api/v1/import`, {
      method: 'POST',
      headers: { 'X-API-Key': fresh.adminKey, 'Content-Type': 'application/x-ndjson', 'Content-Length': String(2 ** 31) },
      body: lines()[0],
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.text)).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
  });

  it('answers 403 to keys without the admin scope', async () => {
    const { key } = await buildKey(fresh.api, ['tickets:read', 'tickets:write', 'contacts:write']);
    expect((await fresh.api.get('/export', { key })).status).toBe(403);
    const headers = { 'Content-Type': 'application/x-ndjson' };
    expect((await fresh.api.post('/import', undefined, { key, raw: file, headers })).status).toBe(403);
    expect((await fresh.api.post('/admin/backup', undefined, { key })).status).toBe(403);
  });
});
