// kill -9 of `localdesk serve` while it fetches 200 messages from a real Dovecot, then a
// restart over the same data: exactly 200 tickets, none twice, nothing lost. The position
// (UIDVALIDITY + last UID) commits with each ticket, so the killed process can have imported
// a message or not, never half of one, and the restart carries on after the last one it did.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey } from '../../server/domain/apiKeys/keys.ts';
import { startServe } from '../helpers/cli.ts';
import { type Dovecot, startDovecot } from '../helpers/dovecot.ts';
import { customerMail, mailboxBody, supportUser } from '../helpers/mail.ts';
import { pollUntil } from '../helpers/processes.ts';
import { type SmtpReceiver, startSmtpReceiver } from '../helpers/smtpReceiver.ts';

const total = 200;
let imap: Dovecot;
let smtp: SmtpReceiver;
let dir: string;

beforeAll(async () => {
  imap = await startDovecot({ users: [supportUser] });
  smtp = await startSmtpReceiver({ auth: { user: 'mailer', password: 'smtp-secret-2' } });
  dir = mkdtempSync(join(tmpdir(), 'localdesk-mailcrash-'));
  for (let i = 0; i < total; i++) {
    await imap.deliver(
      supportUser.user,
      customerMail({
        subject: `Crash test ${String(i).padStart(3, '0')}`,
        body: `Message ${i} of ${total}.`,
        messageId: `<crash-${i}@example.com>`,
        from: `Customer ${i} <customer${i}@example.com>`,
      }),
    );
  }
}, 60_000);

afterAll(async () => {
  await smtp?.stop();
  await imap?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const env = (key: string) => ({ LOCALDESK_ADMIN_KEY: key, LOCALDESK_MAIL_POLL_SECONDS: '1', LOCALDESK_MAIL_TIMEOUT_SECONDS: '5' });

async function ticketCount(url: string, key: string): Promise<number> {
  const res = await fetch(`${url}/api/v1/tickets?limit=1`, { headers: { 'X-API-Key': key } });
  return ((await res.json()) as { meta: { total: number } }).meta.total;
}

describe('kill -9 while fetching', () => {
  it('imports each of 200 messages exactly once across a SIGKILL and a restart', async () => {
    const key = generateApiKey();
    const first = await startServe(dir, env(key));
    const created = await fetch(`${first.url}/api/v1/mailboxes`, {
      method: 'POST',
      headers: { 'X-API-Key': key, 'Content-Type': 'application/json' },
      body: JSON.stringify(mailboxBody(imap, smtp)),
    });
    expect(created.status).toBe(201);
    // Kill it in the middle of the fetch.
    const seen = await pollUntil(async () => {
      const n = await ticketCount(first.url, key);
      return n >= 15 ? n : false;
    }, { timeoutMs: 30_000, intervalMs: 10, describe: () => 'the first server imported nothing' });
    first.child.kill('SIGKILL');
    await first.exited;
    expect(seen).toBeLessThan(total);

    const second = await startServe(dir, env(key));
    try {
      await pollUntil(async () => (await ticketCount(second.url, key)) >= total, {
        timeoutMs: 60_000,
        describe: () => 'the restarted server did not import the rest',
      });
      await new Promise((r) => setTimeout(r, 1_500)); // a poll more: nothing else arrives
      expect(await ticketCount(second.url, key)).toBe(total);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }

    const db = new BetterSqlite3(join(dir, 'localdesk.db'), { readonly: true });
    try {
      const count = (sql: string) => (db.prepare(sql).get() as { n: number }).n;
      expect(count('select count(*) as n from tickets')).toBe(total);
      expect(count('select count(distinct subject) as n from tickets')).toBe(total);
      expect(count('select count(*) as n from messages')).toBe(total);
      expect(count("select count(*) as n from mail_message_ids where direction = 'in'")).toBe(total);
      expect(count('select count(*) as n from mail_quarantine')).toBe(0);
      const position = db.prepare('select last_uid, uid_validity from mail_sync').get() as { last_uid: number; uid_validity: number };
      expect(position.last_uid).toBe(total);
    } finally {
      db.close();
    }
  }, 120_000);
});
