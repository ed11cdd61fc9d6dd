// The Dovecot helper against the real server, through imapflow as the product will use it.
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { ImapFlow } from 'imapflow';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { largeAttachmentMessage } from '../fixtures/mail/generate.ts';
import { type Dovecot, type MailUser, startDovecot } from '../helpers/dovecot.ts';
import { liveProcesses } from '../helpers/processes.ts';

const support: MailUser = { user: 'support@example.test', password: 'support-pw-1' };
const sales: MailUser = { user: 'sales@example.test', password: 'sales-pw-2' };

function message(subject: string, id: string): string {
  return [
    'From: Jane Customer <jane@example.com>',
    'To: support@example.test',
    `Subject: ${subject}`,
    'Date: Tue, 03 Sep 2024 10:00:00 +0000',
    `Message-ID: <${id}@example.com>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `Body of ${subject}`,
    '',
  ].join('\r\n');
}

let imap: Dovecot;
const clients: ImapFlow[] = [];

function client(user: MailUser, port = imap.port): ImapFlow {
  const c = new ImapFlow({
    host: '127.0.0.1',
    port,
    secure: false,
    auth: { user: user.user, pass: user.password },
    logger: false,
    disableAutoIdle: true,
  });
  c.on('error', () => {}); // a dropped connection also rejects the pending command
  clients.push(c);
  return c;
}

async function subjects(c: ImapFlow): Promise<string[]> {
  const out: string[] = [];
  for await (const m of c.fetch('1:*', { envelope: true })) out.push(m.envelope?.subject ?? '');
  return out;
}

beforeAll(async () => {
  imap = await startDovecot({ users: [support, sales] });
});

afterAll(async () => {
  for (const c of clients) c.close();
  await imap?.stop();
});

describe('startDovecot', () => {
  test('a client logs in and fetches a delivered message byte for byte, unseen', async () => {
    const raw = message('First question', 'first');
    const delivered = await imap.deliver(support.user, raw);
    expect(delivered).toMatchObject({ folder: 'INBOX', uid: 1 });

    const c = client(support);
    await c.connect();
    const box = await c.mailboxOpen('INBOX');
    expect(box.exists).toBe(1);
    const fetched = await c.fetchOne('1', { source: true, flags: true, envelope: true });
    expect(fetched && fetched.source?.toString()).toBe(raw);
    expect(fetched && [...(fetched.flags ?? [])]).not.toContain('\\Seen');
    expect(fetched && fetched.envelope?.messageId).toBe('<first@example.com>');
    await c.logout();
  });

  test('users have separate mailboxes and a wrong password is refused', async () => {
    const c = client(sales);
    await c.connect();
    expect((await c.mailboxOpen('INBOX')).exists).toBe(0);
    await c.logout();

    const bad = client({ user: support.user, password: 'wrong' });
    await expect(bad.connect()).rejects.toThrow();
  });

  test('deliver() into another folder creates it', async () => {
    await imap.deliver(sales.user, message('Filed away', 'filed'), 'Archive/2024');
    const c = client(sales);
    await c.connect();
    const box = await c.mailboxOpen('Archive/2024');
    expect(box.exists).toBe(1);
    expect(await subjects(c)).toEqual(['Filed away']);
    await c.logout();
  });

  test('a 20 MiB message goes through APPEND and FETCH byte for byte', async () => {
    const raw = largeAttachmentMessage();
    await imap.deliver(sales.user, raw, 'Large');
    const c = client(sales);
    await c.connect();
    await c.mailboxOpen('Large');
    const fetched = await c.fetchOne('1', { source: true, size: true });
    expect(fetched && fetched.size).toBe(raw.length);
    expect(fetched && fetched.source?.equals(raw)).toBe(true);
    await c.logout();
  });

  test('a client in IDLE is told of a new delivery (EXISTS)', async () => {
    const c = client(support);
    await c.connect();
    const before = (await c.mailboxOpen('INBOX')).exists;
    const exists = new Promise<{ count: number; prevCount: number }>((resolve) => c.on('exists', resolve));
    const idling = c.idle();

    await imap.deliver(support.user, message('Second question', 'second'));
    const event = await exists;
    expect(event).toMatchObject({ prevCount: before, count: before + 1 });

    // Any command ends IDLE in imapflow; the new message is there.
    const latest = await c.fetchOne('*', { envelope: true });
    expect(latest && latest.envelope?.subject).toBe('Second question');
    await idling;
    await c.logout();
  });

  test('down() drops connections and refuses deliveries; up() on the same port keeps the mail', async () => {
    const c = client(support);
    await c.connect();
    const { uidValidity } = await c.mailboxOpen('INBOX');
    const closed = new Promise<void>((resolve) => c.once('close', () => resolve()));
    const port = imap.port;

    await imap.down();
    await closed;
    expect(imap.isUp()).toBe(false);
    await expect(imap.deliver(support.user, message('Lost', 'lost'))).rejects.toThrow(/down/);
    await expect(client(support, port).connect()).rejects.toThrow();

    await imap.up();
    expect(imap.port).toBe(port);
    await imap.deliver(support.user, message('After the outage', 'after'));
    const again = client(support);
    await again.connect();
    const box = await again.mailboxOpen('INBOX');
    expect(box.uidValidity).toBe(uidValidity);
    expect(await subjects(again)).toEqual(['First question', 'Second question', 'After the outage']);
    await again.logout();
  });

  test('pause() leaves a connection without greeting until resume()', async () => {
    imap.pause();
    const socket = connect({ host: '127.0.0.1', port: imap.port });
    try {
      const firstData = new Promise<string>((resolve) => socket.once('data', (d: Buffer) => resolve(d.toString())));
      const silent = await Promise.race([firstData.then(() => false), new Promise((r) => setTimeout(() => r(true), 500))]);
      expect(silent).toBe(true);
      await expect(imap.deliver(support.user, message('x', 'x'))).rejects.toThrow(/paused/);
      imap.resume();
      expect(await firstData).toMatch(/^\* OK /);
    } finally {
      socket.destroy();
      imap.resume();
    }
  });

  test('two servers run side by side; stop() ends every process and removes the folder', async () => {
    const other = await startDovecot();
    try {
      expect(other.port).not.toBe(imap.port);
      expect(other.dir).not.toBe(imap.dir);
      expect(other.users).toEqual([{ user: 'support@example.test', password: expect.any(String) }]);
      const c = client(other.users[0]!, other.port);
      await c.connect();
      expect((await c.mailboxOpen('INBOX')).exists).toBe(0);
      await c.logout();
    } finally {
      const pgid = other.pid();
      expect(pgid).toBeGreaterThan(0);
      await other.stop();
      expect(existsSync(other.dir)).toBe(false);
      expect(liveProcesses((p) => p.pgid === pgid)).toEqual([]);
    }
    // The first one is untouched.
    expect(imap.isUp()).toBe(true);
  });
});
