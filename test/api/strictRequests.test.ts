// What hostile or careless requests get: deep JSON, path traversal, doubled Host headers, odd
// numbers in query strings, unknown paths under API-looking prefixes, page-based paging.
import { connect } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTicket } from '../helpers/factories.ts';
import { rendererDir } from '../helpers/browser.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';
import { onPostgres } from '../helpers/testDatabase.ts';

const logLines: Record<string, unknown>[] = [];
const sink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  },
});

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer({ config: { rendererDir }, logger: pino({ level: 'info' }, sink) });
});
afterAll(async () => {
  await s.close();
});

/** Sends `head` (request line and headers, no final blank line) exactly as written. */
function rawHttp(port: number, head: string, body = ''): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (text += chunk));
    socket.on('error', reject);
    socket.on('end', () => resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), text }));
    socket.write(`${head}\r\nConnection: close\r\n\r\n${body}`);
  });
}

const nested = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

describe('JSON nesting depth', () => {
  it('refuses a body nested deeper than the limit with a 400 that names the limit', async () => {
    for (const depth of [4_000, 10_000, 100_000]) {
      const res = await s.api.post('/events', undefined, { raw: `{"type":"custom.deep","data":${nested(depth)}}` });
      expect(res.status, `depth ${depth}`).toBe(400);
      expect(res.body.error?.code).toBe('BAD_REQUEST');
      expect(res.body.error?.message).toMatch(/nest.*64/);
    }
    const arrays = await s.api.post('/events', undefined, { raw: `{"type":"custom.deep","data":{"a":${'['.repeat(500)}${']'.repeat(500)}}}` });
    expect(arrays.status).toBe(400);
  });

  it('accepts nesting up to the limit, and the feed reads it back', async () => {
    const res = await s.api.post<{ id: string }>('/events', undefined, { raw: `{"type":"custom.deep","data":${nested(60)}}` });
    expect(res.status).toBe(201);
    const page = await s.api.get<{ id: string }[]>('/events?type=custom.deep');
    expect(page.status).toBe(200);
    expect(page.body.data.map((e) => e.id)).toContain(res.body.data.id);
  });

  it('does not count brackets inside strings', async () => {
    const res = await s.api.post('/events', { type: 'custom.brackets', data: { text: '['.repeat(5_000) } });
    expect(res.status).toBe(201);
  });

  it('answers a list whose stored event cannot be serialized with a JSON envelope, logged as the 500 it is', async () => {
    // An event written before the limit existed (or by another tool) stays in the feed.
    const before = (await s.api.get<{ id: string }[]>('/events?sortOrder=desc&limit=1')).body.data[0]?.id ?? '';
    await sql`insert into events (id, type, resource_type, resource_id, actor_type, actor_id, data, workflow_depth, created_at)
      values ('evt_01KPOISONED0000000000000000', 'custom.poison', 'custom', null, 'system', null, ${nested(20_000)}, 0,
        '2026-01-01T00:00:00.000Z')`.execute(s.db);
    const page = await s.api.get<{ id: string; data: unknown }[]>(`/events?after=${before}`);
    expect(page.status).toBe(200);
    const poisoned = page.body.data.find((e) => e.id === 'evt_01KPOISONED0000000000000000');
    expect(poisoned?.data).toEqual({ unreadable: 'the stored data is nested deeper than 64 levels' });
    expect((await s.api.get(`/events/evt_01KPOISONED0000000000000000`)).status).toBe(200);
  });
});

describe('path traversal', () => {
  it('answers 403 or 404 without an error log, never 500', async () => {
    const errorsBefore = logLines.filter((l) => l.level === 50).length;
    for (const path of ['/..%2fpackage.json', '/assets/../../../package.json', '/%2e%2e/%2e%2e/package.json', '/assets/..%2f..%2fpackage.json', '/%00']) {
      const res = await rawHttp(s.port, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\nAccept: text/html`);
      expect([403, 404], path).toContain(res.status);
      expect(res.text, path).not.toContain('"name": "localdesk"');
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(logLines.filter((l) => l.level === 50).length).toBe(errorsBefore);
  });
});

describe('Host header', () => {
  it('refuses two Host headers with 400', async () => {
    const res = await rawHttp(s.port, `GET /api/v1/tickets HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\nHost: attacker.example\r\nX-API-Key: ${s.adminKey}`);
    expect(res.status).toBe(400);
    expect(res.text).toContain('"code":"BAD_REQUEST"');
  });

  it('does not tell a refused caller which names are allowed', async () => {
    const res = await rawHttp(s.port, `GET /api/v1/tickets HTTP/1.1\r\nHost: attacker.example\r\nX-API-Key: ${s.adminKey}`);
    expect(res.status).toBe(403);
    expect(res.text).not.toContain('localhost');
    expect(res.text).not.toContain('allowedHosts');
  });
});

describe('query numbers', () => {
  it('refuses hex, exponents, signs, blanks and empty values as 400', async () => {
    for (const query of ['limit=0x10', 'limit=1e2', 'limit=', 'offset=', 'offset=0x1', 'limit=%2010', 'limit=+5', 'limit=5.0', 'offset=1e3']) {
      const res = await s.api.get(`/tickets?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error?.details?.errors?.[0]?.path, query).toBe(query.split('=')[0]);
    }
    expect((await s.api.get('/analytics/summary?days=0x7')).status).toBe(400);
    expect((await s.api.get('/search?q=x&limit=1e1')).status).toBe(400);
    expect((await s.api.get('/tickets?limit=10&offset=0')).status).toBe(200);
  });

  it('refuses __proto__ and constructor like any unknown parameter', async () => {
    for (const name of ['__proto__', 'constructor', 'hasOwnProperty']) {
      const res = await s.api.get(`/tickets?${name}=`);
      expect(res.status, name).toBe(400);
      expect(res.body.error?.details?.errors?.[0]).toEqual({ path: name, message: 'unknown field' });
    }
  });
});

describe('unknown paths under /api and /v1', () => {
  it('are JSON 404s, not the web UI', async () => {
    for (const path of ['/v1/workflows', '/v1', '/api', '/api/v2/tickets', '/api/v1/nope']) {
      const res = await fetch(`${s.url}${path}`, { headers: { Accept: 'text/html' } });
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type'), path).toMatch(/application\/json/);
      const body = (await res.json()) as { error: { code: string } };
      expect(body.error.code).toBe('NOT_FOUND');
    }
    // The UI's own routes still load the UI.
    const inbox = await fetch(`${s.url}/inbox`, { headers: { Accept: 'text/html' } });
    expect(inbox.status).toBe(200);
    expect(await inbox.text()).toContain('<div id="root">');
  });
});

describe('GET /ready', () => {
  it('reports the database as a boolean', async () => {
    const res = await s.api.get('/ready', { key: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, db: true, engine: onPostgres ? 'postgres' : 'sqlite' });
  });

  it('is 503 with db false when the database cannot be read', async () => {
    const lost = await startTestServer();
    try {
      await lost.loseDatabase();
      const res = await lost.api.get('/ready', { key: null });
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ ok: false, db: false, engine: onPostgres ? 'postgres' : 'sqlite' });
    } finally {
      await lost.close();
    }
  });
});

describe('page and per_page', () => {
  it('page through a list like limit and offset, with meta unchanged', async () => {
    for (let i = 0; i < 5; i++) await buildTicket(s.api, { subject: `Paged ${i}` });
    const byOffset = await s.api.get<{ id: string }[]>('/tickets?limit=2&offset=2');
    const byPage = await s.api.get<{ id: string }[]>('/tickets?page=2&per_page=2');
    expect(byPage.status).toBe(200);
    expect(byPage.body.data.map((t) => t.id)).toEqual(byOffset.body.data.map((t) => t.id));
    expect(byPage.body.meta).toEqual({ total: byOffset.body.meta?.total, limit: 2, offset: 2 });
    const firstPage = await s.api.get('/tickets?page=1');
    expect(firstPage.body.meta).toMatchObject({ limit: 50, offset: 0 });
    const perPageOnly = await s.api.get('/contacts?per_page=3');
    expect(perPageOnly.body.meta).toMatchObject({ limit: 3, offset: 0 });
    expect((await s.api.get('/events?page=1&per_page=1')).body.meta).toMatchObject({ limit: 1, offset: 0 });
  });

  it('refuses mixing them with limit or offset, naming both', async () => {
    const res = await s.api.get('/tickets?page=2&limit=10');
    expect(res.status).toBe(400);
    expect(res.body.error?.details?.errors?.map((e) => e.path).sort()).toEqual(['limit', 'page']);
    const res2 = await s.api.get('/tickets?per_page=10&offset=10');
    expect(res2.status).toBe(400);
    expect(res2.body.error?.details?.errors?.map((e) => e.path).sort()).toEqual(['offset', 'per_page']);
  });

  it('refuses pages out of range', async () => {
    for (const query of ['page=0', 'per_page=0', 'per_page=101', 'page=abc', 'page=', 'page=1e1']) {
      const res = await s.api.get(`/tickets?${query}`);
      expect(res.status, query).toBe(400);
      expect(res.body.error?.details?.errors?.[0]?.path, query).toBe(query.split('=')[0]);
    }
  });

  it('are documented on every list in the OpenAPI document', async () => {
    const doc = (await s.api.get<never>('/openapi.json', { key: null })).body as unknown as {
      paths: Record<string, { get?: { parameters?: { name: string }[] } }>;
    };
    const names = (path: string) => doc.paths[path]?.get?.parameters?.map((p) => p.name) ?? [];
    for (const path of ['/api/v1/tickets', '/api/v1/contacts', '/api/v1/events', '/api/v1/conversations']) {
      expect(names(path), path).toEqual(expect.arrayContaining(['limit', 'offset', 'page', 'per_page']));
    }
  });
});
