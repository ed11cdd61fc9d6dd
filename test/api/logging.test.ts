import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { startTestServer } from '../helpers/server.ts';

describe('request logging', () => {
  it('writes one JSON line per request with route, status, timing and key id, never the key', async () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) {
          lines.push(JSON.parse(line) as Record<string, unknown>);
        }
        done();
      },
    });
    const s = await startTestServer({ logger: pino({ level: 'info' }, sink) });
    try {
      const res = await s.api.get('/tickets/tkt_01ARZ3NDEKTSV4RRFFQ69G5FAV');
      expect(res.status).toBe(404);
      await s.api.get('/tickets', { key: null });
      await new Promise((resolve) => setTimeout(resolve, 20));
      const requests = lines.filter((l) => l.msg === 'request');
      expect(requests).toHaveLength(2);
      expect(requests[0]).toMatchObject({
        method: 'GET',
        route: '/api/v1/tickets/:id',
        path: '/api/v1/tickets/tkt_01ARZ3NDEKTSV4RRFFQ69G5FAV',
        status: 404,
        reqId: res.headers.get('x-request-id'),
        keyId: expect.stringMatching(/^key_/),
        ms: expect.any(Number),
      });
      expect(requests[1]).toMatchObject({ status: 401, keyId: null });
      expect(JSON.stringify(lines)).not.toContain(s.adminKey);
    } finally {
      await s.close();
    }
  });
});
