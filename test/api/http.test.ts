// Cross-cutting behaviour of the HTTP layer: envelope, auth, scopes, body handling, Host check,
// rate limits, public routes and the OpenAPI document.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../server/domain/apiKeys/keys.ts';
import { systemContext } from '../../server/domain/context.ts';
import { insertApiKey } from '../../server/domain/apiKeys/apiKeys.service.ts';
import { apiRoutes } from '../../server/routes/index.ts';
import { TestClock } from '../helpers/clock.ts';
import { type TestServer, apiClient, rawRequest, startTestServer } from '../helpers/server.ts';
import { onPostgres } from '../helpers/testDatabase.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

async function keyWithScopes(server: TestServer, scopes: string[]): Promise<string> {
  const admin = await server.db.selectFrom('users').select('id').executeTakeFirstOrThrow();
  const { key } = await insertApiKey(systemContext(server.db, new TestClock()), {
    name: 'test',
    scopes: scopes as never,
    userId: admin.id,
    rateLimitPerMinute: null,
  });
  return key;
}

describe('public routes', () => {
  it('GET /health answers without a key', async () => {
    const res = await s.api.get('/health', { key: null });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, version: expect.any(String) });
  });

  it('GET /ready reports the database', async () => {
    const res = await s.api.get('/ready', { key: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true, db: true, engine: onPostgres ? 'postgres' : 'sqlite' });
  });

  it('GET /ready is 503 once the database is unusable, while /health stays up', async () => {
    const lost = await startTestServer();
    try {
      await lost.loseDatabase();
      const res = await lost.api.get('/ready', { key: null });
      expect(res.status).toBe(503);
      expect(res.body).toEqual({ ok: false, db: false, engine: onPostgres ? 'postgres' : 'sqlite' });
      expect((await lost.api.get('/health', { key: null })).status).toBe(200);
    } finally {
      await lost.close();
    }
  });

  it('GET /api/v1/version answers in the envelope without a key', async () => {
    const res = await s.api.get('/version', { key: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { version: expect.any(String), name: 'LocalDesk' }, error: null });
  });

  it('GET /api/v1/docs serves an interactive reference whose assets load', async () => {
    const page = await fetch(`${s.url}/api/v1/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('/api/v1/docs/swagger-ui-bundle.js');
    for (const asset of ['swagger-ui-bundle.js', 'swagger-ui.css', 'init.js']) {
      const res = await fetch(`${s.url}/api/v1/docs/${asset}`);
      expect(res.status, asset).toBe(200);
      expect((await res.text()).length).toBeGreaterThan(10);
    }
    expect((await fetch(`${s.url}/api/v1/docs/package.json`)).status).toBe(404);
  });
});

describe('GET /api/v1/openapi.json', () => {
  it('is OpenAPI 3.1 and documents every route with its scope', async () => {
    const res = await s.api.get<never>('/openapi.json', { key: null });
    const doc = res.body as unknown as {
      openapi: string;
      paths: Record<string, Record<string, { 'x-required-scope': string; requestBody?: unknown }>>;
      components: { schemas: Record<string, unknown> };
    };
    expect(doc.openapi).toBe('3.1.0');
    for (const route of apiRoutes) {
      const path = `/api/v1${route.path.replace(/:(\w+)/g, '{$1}')}`;
      const op = doc.paths[path]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${path}`).toBeDefined();
      expect(op?.['x-required-scope']).toBe(route.scope === 'any' ? 'any valid key or session' : route.scope);
    }
    expect(doc.paths['/health']?.get).toBeDefined();
    expect(doc.components.schemas.Ticket).toBeDefined();
    const responses = (path: string, method: string) =>
      (doc.paths[path]?.[method] as unknown as { responses: Record<string, unknown> }).responses;
    expect(responses('/api/v1/contacts', 'post')['409']).toBeDefined();
    expect(responses('/api/v1/tickets/{id}/merge', 'post')['409']).toBeDefined();
    expect(responses('/api/v1/tickets', 'get')['409']).toBeUndefined();
  });

  it('derives request schemas from the validators: strict bodies and required fields', async () => {
    const res = await s.api.get<never>('/openapi.json', { key: null });
    const doc = res.body as unknown as {
      paths: Record<string, Record<string, { requestBody: { content: Record<string, { schema: { required: string[]; additionalProperties: boolean; properties: Record<string, { enum?: string[] }> } }> } }>>;
    };
    const schema = doc.paths['/api/v1/tickets']?.post?.requestBody.content['application/json']?.schema;
    expect(schema?.additionalProperties).toBe(false);
    expect(schema?.required.sort()).toEqual(['contactEmail', 'description', 'subject']);
    expect(schema?.properties.priority?.enum).toEqual(['low', 'medium', 'high', 'urgent']);
  });
});

describe('envelope for unknown routes and methods', () => {
  it('answers an unknown /api/v1 route with a 404 envelope', async () => {
    const res = await s.api.get('/no-such-thing');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ data: null, error: { code: 'NOT_FOUND', message: 'no route GET /api/v1/no-such-thing' } });
  });

  it('answers a known route with another method with a 405 envelope and Allow', async () => {
    const res = await s.api.delete('/tickets');
    expect(res.status).toBe(405);
    expect(res.body.error?.code).toBe('METHOD_NOT_ALLOWED');
    expect(res.headers.get('allow')).toContain('POST');
    expect(res.body.error?.details?.allowed).toEqual(expect.arrayContaining(['GET', 'POST']));
  });
});

describe('authentication', () => {
  it('requires a key, naming both ways to send it', async () => {
    const res = await s.api.get('/tickets', { key: null });
    expect(res.status).toBe(401);
    expect(res.body.error?.code).toBe('UNAUTHORIZED');
    expect(res.body.error?.message).toContain('X-API-Key');
  });

  it('rejects malformed and unknown keys alike', async () => {
    for (const key of ['nope', `ldk_${'a'.repeat(39)}`, generateApiKey(), "' OR 1=1 --"]) {
      const res = await s.api.get('/tickets', { key });
      expect(res.status, key).toBe(401);
      expect(res.body.error?.message).toBe('invalid API key');
    }
  });

  it('accepts Authorization: Bearer as well as X-API-Key', async () => {
    const res = await s.api.get('/tickets', { key: null, headers: { Authorization: `Bearer ${s.adminKey}` } });
    expect(res.status).toBe(200);
    const lower = await s.api.get('/tickets', { key: null, headers: { authorization: `bearer ${s.adminKey}` } });
    expect(lower.status).toBe(200);
    const wrongScheme = await s.api.get('/tickets', { key: null, headers: { Authorization: `Basic ${s.adminKey}` } });
    expect(wrongScheme.status).toBe(401);
  });

  it('refuses a key without the scope, naming what is required and granted', async () => {
    const key = await keyWithScopes(s, ['tickets:read']);
    expect((await s.api.get('/tickets', { key })).status).toBe(200);
    const res = await s.api.post('/tickets', { subject: 'x', description: 'y', contactEmail: 'a@b.co' }, { key });
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({
      code: 'FORBIDDEN',
      details: { required: 'tickets:write', granted: ['tickets:read'] },
    });
  });

  it('lets admin imply every scope', async () => {
    expect((await s.api.post('/tickets', { subject: 'x', description: 'y', contactEmail: 'a@b.co' })).status).toBe(201);
  });
});

describe('request bodies', () => {
  it('reports malformed JSON as 400 with the parser message', async () => {
    const res = await s.api.post('/tickets', undefined, { raw: '{"subject": "x",' });
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('BAD_REQUEST');
    expect(res.body.error?.message).toMatch(/^malformed JSON/);
  });

  it('refuses a body that is not JSON with 415', async () => {
    const res = await s.api.post('/tickets', undefined, {
      raw: 'subject=x',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).toBe(415);
    expect(res.body.error?.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses a body over 1 MiB with 413, with or without Content-Length', async () => {
    const big = JSON.stringify({ subject: 'x', description: 'y'.repeat(1024 * 1024), contactEmail: 'a@b.co' });
    const res = await s.api.post('/tickets', undefined, { raw: big });
    expect(res.status).toBe(413);
    expect(res.body.error?.code).toBe('PAYLOAD_TOO_LARGE');
    const chunked = await rawRequest(`${s.url}/api/v1/tickets`, {
      method: 'POST',
      headers: { 'X-API-Key': s.adminKey, 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' },
      body: big,
    });
    expect(chunked.status).toBe(413);
  });

  it('accepts a JSON content type with a charset', async () => {
    const res = await s.api.post('/tickets', undefined, {
      raw: JSON.stringify({ subject: 'ü', description: 'ß', contactEmail: 'u@b.co' }),
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
    });
    expect(res.status).toBe(201);
  });
});

describe('Host check', () => {
  it('refuses a foreign Host while bound to loopback (DNS rebinding)', async () => {
    const res = await rawRequest(`${s.url}/api/v1/tickets`, {
      headers: { Host: 'attacker.example', 'X-API-Key': s.adminKey },
    });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.text)).toMatchObject({ data: null, error: { code: 'FORBIDDEN' } });
    const health = await rawRequest(`${s.url}/health`, { headers: { Host: 'attacker.example' } });
    expect(health.status).toBe(403);
  });

  it('accepts localhost and the loopback addresses with the port', async () => {
    for (const host of [`localhost:${s.port}`, `127.0.0.1:${s.port}`, `[::1]:${s.port}`]) {
      const res = await rawRequest(`${s.url}/health`, { headers: { Host: host } });
      expect(res.status, host).toBe(200);
    }
  });
});

describe('rate limiting', () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startTestServer({ config: { rateLimitPerMinute: 3 } });
  });
  afterAll(async () => {
    await limited.close();
  });

  it('applies the server-wide default per key, with headers on every response', async () => {
    limited.clock.set('2026-03-02T09:00:10.000Z');
    const reset = String(Date.parse('2026-03-02T09:01:00.000Z') / 1000);
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await limited.api.get(i === 1 ? '/tickets/tkt_missing' : '/tickets');
      remaining.push(res.headers.get('x-ratelimit-remaining') ?? '');
      expect(res.headers.get('x-ratelimit-limit')).toBe('3');
      expect(res.headers.get('x-ratelimit-reset')).toBe(reset);
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const over = await limited.api.get('/tickets');
    expect(over.status).toBe(429);
    expect(over.body.error?.code).toBe('RATE_LIMITED');
    expect(over.headers.get('retry-after')).toBe('50');
    limited.clock.advanceMinutes(1);
    expect((await limited.api.get('/tickets')).status).toBe(200);
  });

  it('counts each key separately', async () => {
    const other = await keyWithScopes(limited, ['tickets:read']);
    expect((await limited.api.get('/tickets', { key: other })).status).toBe(200);
  });
});

describe('failures never leak internals', () => {
  it('turns a database error into a bare 500 and keeps serving', async () => {
    const broken = await startTestServer();
    try {
      await sql`drop table ticket_fts`.execute(broken.db);
      const res = await broken.api.post('/tickets', { subject: 'x', description: 'y', contactEmail: 'a@b.co' });
      expect(res.status).toBe(500);
      expect(res.body).toEqual({ data: null, error: { code: 'INTERNAL_ERROR', message: 'internal error' } });
      expect(res.text).not.toMatch(/ticket_fts|sqlite|at .*\.ts/i);
      // Nothing half-written: the ticket insert was rolled back with the failed search entry.
      const list = await broken.api.get('/tickets');
      expect(list.body.meta?.total).toBe(0);
      expect((await broken.api.get('/health')).status).toBe(200);
    } finally {
      await broken.close();
    }
  });
});

describe('response headers', () => {
  it('sets security headers and a request id', async () => {
    const res = await s.api.get('/tickets');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('sends no CORS headers unless origins are configured', async () => {
    const res = await s.api.get('/tickets', { headers: { Origin: 'http://elsewhere.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows exactly the configured origins', async () => {
    const withCors = await startTestServer({ config: { corsOrigins: ['http://widget.example'] } });
    try {
      const client = apiClient(withCors.url, withCors.adminKey);
      const ok = await client.get('/tickets', { headers: { Origin: 'http://widget.example' } });
      expect(ok.headers.get('access-control-allow-origin')).toBe('http://widget.example');
      const no = await client.get('/tickets', { headers: { Origin: 'http://evil.example' } });
      expect(no.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await withCors.close();
    }
  });
});

describe('the Date header', () => {
  it('is the server’s clock, so a client measuring its skew agrees with the server’s SLA times', async () => {
    const res = await s.api.get('/tickets');
    expect(res.headers.get('date')).toBe(s.clock.now().toUTCString());
  });
});
