// The shared HTTP client's failure handling against real local servers, and HTML to text.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { htmlToText } from '../../server/domain/imports/sources/html.ts';
import { HttpClient, parseLinkHeader, waitFromHeaders } from '../../server/domain/imports/sources/http.ts';
import { ImportSourceError } from '../../server/domain/imports/sources/types.ts';

let server: Server | null = null;
afterEach(async () => {
  if (server) {
    server.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  }
  server = null;
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server?.address() as AddressInfo).port}`;
}

const clientFor = (baseUrl: string, extra: Partial<ConstructorParameters<typeof HttpClient>[0]> = {}) =>
  new HttpClient({
    source: 'zendesk',
    baseUrl,
    authorize: async () => ({ Authorization: 'Basic c2VjcmV0LXRva2Vu' }),
    retryAfter: ['retry-after'],
    quota: null,
    productMessage: () => null,
    tuning: { backoffMs: 10, maxRetries: 2, timeoutMs: 300 },
    ...extra,
  });

describe('http client', () => {
  it('retries 5xx with back-off, then gives up with the path and status', async () => {
    let calls = 0;
    const url = await serve((_req, res) => {
      calls += 1;
      res.writeHead(502, { 'Content-Type': 'application/json' }).end('{"error":"Bad gateway"}');
    });
    const e = await clientFor(url).getJson('/api/v2/x.json?a=1').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ImportSourceError);
    expect(e).toMatchObject({ code: 'server', status: 502, path: '/api/v2/x.json?a=1' });
    expect(calls).toBe(3); // first try + 2 retries
    expect((e as Error).message).not.toContain('c2VjcmV0LXRva2Vu');
  });

  it('times out a silent server and reports a network failure', async () => {
    const url = await serve(() => undefined); // never answers
    const e = await clientFor(url, { tuning: { backoffMs: 10, maxRetries: 1, timeoutMs: 150 } }).getJson('/slow').catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'network', path: '/slow' });
    expect((e as Error).message).toMatch(/no answer within 150 ms, 2 attempts/);
  });

  it('reports a refused connection after its retries', async () => {
    const e = await clientFor('http://127.0.0.1:9').getJson('/x').catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'network', path: '/x' });
  });

  it('stops waiting when aborted', async () => {
    const url = await serve((_req, res) => res.writeHead(429, { 'Retry-After': '30' }).end());
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const e = await clientFor(url, { signal: controller.signal }).getJson('/x').catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'aborted' });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses a Retry-After longer than it may wait', async () => {
    const url = await serve((_req, res) => res.writeHead(429, { 'Retry-After': '3600' }).end());
    const e = await clientFor(url, { tuning: { maxWaitMs: 60_000 } }).getJson('/x').catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'rate-limit', path: '/x' });
    expect((e as Error).message).toMatch(/asked to wait 3600 s/);
  });

  it('keeps credentials on the configured host: links elsewhere are re-rooted', async () => {
    const seen: string[] = [];
    const url = await serve((req, res) => {
      seen.push(`${req.headers.host}${req.url}`);
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
    await clientFor(url).getJson('https://evil.example/api/v2/next?page=2');
    expect(seen).toEqual([`${new URL(url).host}/api/v2/next?page=2`]);
  });

  it('reads Retry-After as seconds or a date, and Link headers', () => {
    const now = Date.parse('2025-01-01T00:00:00Z');
    expect(waitFromHeaders(new Headers({ 'retry-after': '2' }), ['retry-after'], now)).toBe(2000);
    expect(waitFromHeaders(new Headers({ 'retry-after': 'Wed, 01 Jan 2025 00:00:05 GMT' }), ['retry-after'], now)).toBe(5000);
    expect(waitFromHeaders(new Headers({ 'x-ratelimit-retry-after': '7' }), ['retry-after', 'x-ratelimit-retry-after'], now)).toBe(7000);
    expect(parseLinkHeader('<https://a.example/t?page=2>; rel="next", <https://a.example/t?page=1>; rel="prev"')).toEqual({ next: 'https://a.example/t?page=2', prev: 'https://a.example/t?page=1' });
  });
});

describe('htmlToText', () => {
  it('keeps structure: paragraphs, breaks, nested and ordered lists, pre, tables', () => {
    const html = '<h1>Title</h1><p>One<br>Two</p><ol><li>first<ul><li>inner</li></ul></li><li>second</li></ol><pre>  keep\n    this</pre><table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>';
    expect(htmlToText(html)).toBe('Title\n\nOne\nTwo\n\n1. first\n  - inner\n2. second\n\n  keep\n    this\n\na | b\nc | d');
  });

  it('drops scripts, styles, comments and javascript: links, keeps real links once', () => {
    const html = '<style>.x{}</style><p>Go <a href="javascript:alert(1)">here</a>, <a href="https://x.example">https://x.example</a>, <a href="mailto:a@b.example">a@b.example</a> or <a href="https://docs.example/a">docs</a><!-- <p>hidden</p> --></p><SCRIPT type="text/javascript">var x = "</p>";</SCRIPT>';
    expect(htmlToText(html)).toBe('Go here, https://x.example, a@b.example or docs (https://docs.example/a)');
  });

  it('decodes named, decimal and hex entities and survives bad ones', () => {
    expect(htmlToText('&lt;b&gt; &amp;amp; &#233;&#xE9; &nbsp;x &unknown; &#0; &#x110000;')).toBe('<b> &amp; éé x &unknown; \ufffd \ufffd');
  });
});
