// Where webhooks may point: never at link-local or cloud metadata addresses or "any address",
// at private and loopback addresses only while LOCALDESK_WEBHOOK_ALLOW_PRIVATE allows it, with
// the address checked when the delivery connects; and URL credentials are never accepted.
import { type IncomingMessage, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { targetLookup } from '../../server/background/webhookTargets.ts';
import { classifyAddress } from '../../server/domain/webhooks/webhooks.targets.ts';
import { buildTicket } from '../helpers/factories.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';

interface Delivery {
  status: string;
  attempts: { statusCode: number | null; error: string | null }[];
}

const create = (s: TestServer, url: string) => s.api.post<{ id: string; url: string }>('/webhooks', { url, events: ['ticket.created'] });

describe('POST /api/v1/webhooks target rules', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => {
    await s.close();
  });

  it('refuses link-local and metadata addresses and the unspecified address, always', async () => {
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://169.254.1.1/',
      'http://[fe80::1]/hook',
      'http://[::ffff:169.254.169.254]/',
      'http://[fd00:ec2::254]/',
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://0.0.0.0:8080/',
      'http://[::]/',
      'http://224.0.0.1/',
    ]) {
      const res = await create(s, url);
      expect(res.status, url).toBe(400);
      expect(res.body.error?.details?.errors?.[0]?.path, url).toBe('url');
    }
  });

  it('refuses credentials in the URL without repeating them', async () => {
    const res = await create(s, 'https://hookuser:s3cr3t-pass@example.com/hook');
    expect(res.status).toBe(400);
    expect(res.body.error?.details?.errors?.[0]?.path).toBe('url');
    expect(res.text).not.toContain('s3cr3t-pass');
    expect(res.text).not.toContain('hookuser');
  });

  it('accepts private and loopback addresses by default: a LAN product posts to LAN hosts', async () => {
    for (const url of ['http://10.0.0.5/hook', 'http://192.168.1.20:8080/', 'http://172.16.4.4/', 'http://127.0.0.1:9/', 'http://localhost:9/', 'https://hooks.example.com/x']) {
      const res = await create(s, url);
      expect(res.status, url).toBe(201);
      await s.api.delete(`/webhooks/${res.body.data.id}`);
    }
  });
});

describe('with private targets turned off', () => {
  let dataDir: string;
  let received: IncomingMessage[];
  let receiverUrl: string;
  let closeReceiver: () => Promise<void>;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'localdesk-targets-'));
    received = [];
    const receiver = createServer((req, res) => {
      received.push(req);
      res.writeHead(200).end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    closeReceiver = () => new Promise((resolve) => receiver.close(() => resolve()));
  });
  afterAll(async () => {
    await closeReceiver();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses private, loopback and localhost targets', async () => {
    const s = await startTestServer({ config: { webhookAllowPrivateTargets: false } });
    try {
      for (const url of ['http://10.0.0.5/hook', 'http://192.168.1.20/', 'http://127.0.0.1:9/', 'http://localhost:9/', 'http://[::1]/', 'http://100.64.0.1/']) {
        const res = await create(s, url);
        expect(res.status, url).toBe(400);
        expect(res.body.error?.message, url).toMatch(/LOCALDESK_WEBHOOK_ALLOW_PRIVATE/);
      }
      expect((await create(s, 'https://hooks.example.com/x')).status).toBe(201);
    } finally {
      await s.close();
    }
  });

  it('checks the address when delivering: a target that became private is not contacted', async () => {
    const fast = { webhookPollMs: 20, webhookBackoffBaseMs: 50, webhookTimeoutMs: 2000 };
    // Made while private targets were allowed...
    const first = await startTestServer({ dataDir, config: { ...fast } });
    const hook = await create(first, receiverUrl);
    expect(hook.status).toBe(201);
    await first.close();
    // ...and delivered by a server where they are not.
    const s = await startTestServer({ dataDir, config: { ...fast, webhookAllowPrivateTargets: false } });
    try {
      await buildTicket(s.api);
      let delivery: Delivery | undefined;
      for (let i = 0; i < 200 && !delivery?.attempts.length; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        delivery = (await s.api.get<Delivery[]>(`/webhooks/${hook.body.data.id}/deliveries`)).body.data[0];
      }
      expect(delivery?.attempts[0]).toMatchObject({ statusCode: null, error: expect.stringMatching(/address is not allowed/) });
      expect(received).toEqual([]);
    } finally {
      await s.close();
    }
  });
});

describe('the delivery lookup', () => {
  const resolvingTo = (address: string, family: 4 | 6) => (_host: string, _options: object, callback: (err: Error | null, addresses: { address: string; family: number }[]) => void) =>
    callback(null, [{ address, family }]);

  const lookup = (allowPrivate: boolean, address: string, family: 4 | 6) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address?: string }>((resolve) => {
      targetLookup(allowPrivate, resolvingTo(address, family))('hooks.example.com', { all: false }, (err, found) =>
        resolve({ err, address: typeof found === 'string' ? found : undefined }),
      );
    });

  it('refuses a name that resolves to a metadata or link-local address, whatever the setting', async () => {
    expect((await lookup(true, '169.254.169.254', 4)).err?.message).toMatch(/address is not allowed/);
    expect((await lookup(true, 'fe80::1', 6)).err?.message).toMatch(/address is not allowed/);
  });

  it('refuses a name that resolves to a private address when those are off, and passes public ones', async () => {
    expect((await lookup(false, '10.1.2.3', 4)).err?.message).toMatch(/address is not allowed/);
    expect((await lookup(false, '127.0.0.1', 4)).err?.message).toMatch(/address is not allowed/);
    expect(await lookup(true, '10.1.2.3', 4)).toEqual({ err: null, address: '10.1.2.3' });
    expect(await lookup(false, '93.184.216.34', 4)).toEqual({ err: null, address: '93.184.216.34' });
  });

  it('classifies addresses', () => {
    expect(classifyAddress('8.8.8.8')).toBe('public');
    expect(classifyAddress('2606:4700::1111')).toBe('public');
    expect(classifyAddress('10.0.0.1')).toBe('private');
    expect(classifyAddress('fd12::1')).toBe('private');
    expect(classifyAddress('127.0.0.2')).toBe('loopback');
    expect(classifyAddress('::ffff:127.0.0.1')).toBe('loopback');
    expect(classifyAddress('169.254.169.254')).toBe('forbidden');
    expect(classifyAddress('::ffff:a9fe:a9fe')).toBe('forbidden');
    expect(classifyAddress('0.0.0.0')).toBe('forbidden');
  });
});
