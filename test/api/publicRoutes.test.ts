// The routes that need no key are cheap to serve (cached, with ETags) and limited per client
// address, so anonymous traffic cannot crowd out the people who have a key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, rawRequest, startTestServer } from '../helpers/server.ts';

let s: TestServer;
beforeAll(async () => {
  s = await startTestServer();
});
afterAll(async () => {
  await s.close();
});

describe('cached public documents', () => {
  for (const path of ['/api/v1/openapi.json', '/api/v1/docs', '/api/v1/docs/init.js', '/api/v1/docs/swagger-ui-bundle.js', '/api/v1/docs/swagger-ui.css']) {
    it(`${path} carries an ETag and answers a matching If-None-Match with 304 and no body`, async () => {
      const first = await fetch(`${s.url}${path}`);
      expect(first.status).toBe(200);
      const etag = first.headers.get('etag');
      expect(etag).toMatch(/^"[\w+/=-]+"$/);
      const body = await first.arrayBuffer();
      expect(body.byteLength).toBeGreaterThan(10);
      const again = await fetch(`${s.url}${path}`);
      expect(again.headers.get('etag')).toBe(etag);
      // As a browser revalidates its cached copy (fetch() would add Cache-Control: no-cache).
      const revalidated = await rawRequest(`${s.url}${path}`, { headers: { 'If-None-Match': etag ?? '' } });
      expect(revalidated.status).toBe(304);
      expect(revalidated.text).toBe('');
    });
  }

  it('serves the OpenAPI document byte for byte the same each time', async () => {
    const a = await (await fetch(`${s.url}/api/v1/openapi.json`)).text();
    const b = await (await fetch(`${s.url}/api/v1/openapi.json`)).text();
    expect(b).toBe(a);
    expect(JSON.parse(a)).toMatchObject({ openapi: '3.1.0' });
  });
});

describe('requests without a key, per client address', () => {
  let limited: TestServer;
  beforeAll(async () => {
    limited = await startTestServer({ config: { publicRateLimitPerMinute: 5 } });
  });
  afterAll(async () => {
    await limited.close();
  });

  it('are limited per minute with 429 and Retry-After, while keyed requests go on', async () => {
    limited.clock.set('2026-03-02T09:00:10.000Z');
    const statuses: number[] = [];
    for (const path of ['/api/v1/openapi.json', '/api/v1/docs', '/api/v1/version', '/api/v1/tickets', '/metrics']) {
      statuses.push((await fetch(`${limited.url}${path}`)).status);
    }
    expect(statuses).toEqual([200, 200, 200, 401, 200]);
    const over = await fetch(`${limited.url}/api/v1/docs/swagger-ui-bundle.js`);
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toBe('50');
    const body = (await over.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('RATE_LIMITED');
    expect(body.error.message).toMatch(/without an API key/);
    // A wrong key counts as no key.
    const wrong = await fetch(`${limited.url}/api/v1/tickets`, { headers: { 'X-API-Key': `ldk_${'x'.repeat(40)}` } });
    expect(wrong.status).toBe(429);
    // Liveness checks are never refused, and keys have their own limits.
    expect((await fetch(`${limited.url}/health`)).status).toBe(200);
    expect((await limited.api.get('/tickets')).status).toBe(200);
    limited.clock.advanceMinutes(1);
    expect((await fetch(`${limited.url}/api/v1/version`)).status).toBe(200);
  });
});
