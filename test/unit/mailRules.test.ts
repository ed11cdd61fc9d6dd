// The pure rules of the mail channel: reply tokens and subjects, what counts as automatic,
// quote folding, HTML sanitising, and the sealing of stored passwords.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterEach, describe, expect, it } from 'vitest';
import { reconnectDelayMs } from '../../server/background/mailFetcher.ts';
import { SecretBox, SecretError } from '../../server/core/secrets.ts';
import { classifyAutomatic } from '../../server/domain/mail/automatic.ts';
import { foldReply } from '../../server/domain/mail/fold.ts';
import { outgoingMail } from '../../server/domain/mail/outbound.ts';
import { sanitizeMailHtml } from '../../server/domain/mail/sanitize.ts';
import {
  markerText,
  newReplyToken,
  plusAddress,
  replySubject,
  subjectNumber,
  tokensInBody,
  tokensInRecipients,
} from '../../server/domain/mail/threading.ts';

describe('reply tokens and subjects', () => {
  it('makes 80-bit tokens that differ every time', () => {
    const tokens = new Set(Array.from({ length: 1000 }, newReplyToken));
    expect(tokens.size).toBe(1000);
    for (const t of tokens) expect(t).toMatch(/^[a-z2-7]{16}$/);
  });

  it('reads a token only from a plus address of this mailbox', () => {
    const token = newReplyToken();
    const address = plusAddress('support@example.com', token);
    expect(address).toBe(`support+t-${token}@example.com`);
    expect(tokensInRecipients([address.toUpperCase(), 'x@example.com'], 'support@example.com')).toEqual([token]);
    expect(tokensInRecipients([`sales+t-${token}@example.com`], 'support@example.com')).toEqual([]);
    expect(tokensInRecipients([`support+t-${token}@evil.example`], 'support@example.com')).toEqual([]);
    expect(tokensInRecipients(['support+t-short@example.com'], 'support@example.com')).toEqual([]);
  });

  it('finds the marker quoted back in a reply', () => {
    const token = newReplyToken();
    expect(tokensInBody(`> thanks\n> ${markerText(token)}`, '')).toEqual([token]);
    expect(tokensInBody('no marker here', '<p>[ref:t-abc]</p>')).toEqual([]);
  });

  it('reads the last [#number] tag of a subject and writes one reply subject', () => {
    expect(subjectNumber('Re: Printer [#1042]')).toBe(1042);
    expect(subjectNumber('Fwd: [#7] Re: [#1042] Printer')).toBe(1042);
    expect(subjectNumber('Order #4711 failed')).toBeNull();
    expect(replySubject('Printer offline', 1042)).toBe('Re: Printer offline [#1042]');
    expect(replySubject('RE: AW: Re: Printer offline [#1042]', 1042)).toBe('Re: Printer offline [#1042]');
    expect(replySubject('Fwd: Licence renewal', 9)).toBe('Re: Licence renewal [#9]');
    expect(replySubject('', 3)).toBe('Re: (no subject) [#3]');
  });
});

describe('automatic mail', () => {
  const mail = (headers: string[]) =>
    simpleParser(Buffer.from([...headers, 'From: Jane <jane@example.com>', 'Subject: x', '', 'body', ''].join('\r\n')));

  it.each([
    [['Auto-Submitted: auto-replied'], 'auto-reply', 'Auto-Submitted: auto-replied'],
    [['Auto-Submitted: auto-generated'], 'auto-reply', 'Auto-Submitted: auto-generated'],
    [['Precedence: bulk'], 'auto-reply', 'Precedence: bulk'],
    [['Precedence: junk'], 'auto-reply', 'Precedence: junk'],
    [['Precedence: list'], 'list', 'Precedence: list'],
    [['X-Loop: support@example.com'], 'loop', 'X-Loop: support@example.com'],
    [['X-Auto-Response-Suppress: OOF'], 'auto-reply', 'X-Auto-Response-Suppress: OOF'],
    [['X-Autoreply: yes'], 'auto-reply', 'x-autoreply: yes'],
    [['Return-Path: <>'], 'auto-reply', 'Return-Path: <>'],
    [['X-Failed-Recipients: a@example.com'], 'bounce', 'X-Failed-Recipients'],
  ])('%j is %s', async (headers, kind, reason) => {
    expect(classifyAutomatic(await mail(headers), ['support@example.com'])).toEqual({ kind, reason });
  });

  it('lets a person’s mail through: Auto-Submitted: no, a normal Return-Path', async () => {
    expect(classifyAutomatic(await mail(['Auto-Submitted: no', 'Return-Path: <jane@example.com>']), ['support@example.com'])).toBeNull();
  });

  it('treats our own address as a loop and mailer-daemon as a bounce', async () => {
    const own = await simpleParser(Buffer.from('From: Support <SUPPORT@example.com>\r\nSubject: x\r\n\r\nx\r\n'));
    expect(classifyAutomatic(own, ['support@example.com'])?.kind).toBe('loop');
    const daemon = await simpleParser(Buffer.from('From: MAILER-DAEMON@mx.example.com\r\nSubject: Undeliverable\r\n\r\nx\r\n'));
    expect(classifyAutomatic(daemon, ['support@example.com'])?.kind).toBe('bounce');
  });
});

describe('folding quotes and signatures', () => {
  it('keeps what the sender wrote and says whether anything was folded', () => {
    expect(foldReply('Thanks!\n\nOn Mon, 2 Sep 2024 at 10:00, Support <s@example.com> wrote:\n> old text')).toEqual({ visible: 'Thanks!', folded: true });
    expect(foldReply('Just text.\r\nSecond line.')).toEqual({ visible: 'Just text.\nSecond line.', folded: false });
    // A mail that is nothing but a quote shows whole rather than empty.
    expect(foldReply('> only a quote\n> here')).toEqual({ visible: '> only a quote\n> here', folded: false });
  });
});

describe('sanitising mail HTML', () => {
  it('keeps formatting and safe links, drops everything active, fetches nothing remote', () => {
    const out = sanitizeMailHtml(
      '<p style="color:red;background:url(https://t.example/x)">Hi <b>there</b></p>' +
        '<a href="https://example.com/a" onclick="x()">link</a><a href="javascript:alert(1)">bad</a>' +
        '<img src="https://t.example/pixel.gif" alt="logo"><img src="cid:part1@x" alt="shot">' +
        '<script>alert(1)</script><iframe src="https://e.example"></iframe><form><input></form>',
      { resolveCid: (cid) => (cid === 'part1@x' ? '/api/v1/attachments/att_01ABC/content' : null) },
    );
    expect(out).toContain('<p style="color:red">Hi <b>there</b></p>');
    expect(out).toContain('<a href="https://example.com/a" rel="noopener noreferrer nofollow" target="_blank">link</a>');
    expect(out).toContain('<a rel="noopener noreferrer nofollow" target="_blank">bad</a>');
    expect(out).toContain('<span title="image not loaded">[logo]</span>');
    expect(out).toContain('<img src="/api/v1/attachments/att_01ABC/content" alt="shot" data-attachment-id="att_01ABC" />');
    for (const bad of ['script', 'iframe', 'form', 'input', 'onclick', 'javascript:', 't.example']) expect(out).not.toContain(bad);
  });
});

describe('outgoing mail', () => {
  it('carries our Message-ID, the thread, the reply address and the hidden marker; a workflow’s is Auto-Submitted', () => {
    const headers = {
      from: { name: 'Acme Support', address: 'support@example.com' },
      to: { name: 'Jane', address: 'jane@example.com' },
      replyTo: 'support+t-abcdefghijklmnop@example.com',
      subject: 'Re: Printer [#1]',
      inReplyTo: '<b@example.com>',
      references: ['<a@example.com>', '<b@example.com>'],
      autoSubmitted: false,
      token: 'abcdefghijklmnop',
    };
    const row = { message_id: 'msg_1', mail_message_id: '<ldk.msg_1.abc@example.com>', headers: JSON.stringify(headers) };
    const mail = outgoingMail(row as never, 'Hello <Jane> & co');
    expect(mail).toMatchObject({
      messageId: '<ldk.msg_1.abc@example.com>',
      inReplyTo: '<b@example.com>',
      references: ['<a@example.com>', '<b@example.com>'],
      replyTo: 'support+t-abcdefghijklmnop@example.com',
      text: 'Hello <Jane> & co',
    });
    expect(mail.html).toContain('Hello &#60;Jane&#62; &#38; co');
    expect(mail.html).toContain('[ref:t-abcdefghijklmnop]');
    expect(mail.headers).toEqual({ 'X-Auto-Response-Suppress': 'OOF, AutoReply' });
    const auto = outgoingMail({ ...row, headers: JSON.stringify({ ...headers, autoSubmitted: true }) } as never, 'x');
    expect(auto.headers).toEqual({ 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' });
  });
});

describe('reconnect backoff', () => {
  it('doubles from the base up to the maximum, with jitter', () => {
    expect(reconnectDelayMs(1, 1000, 60_000, () => 0.5)).toBe(1000);
    expect(reconnectDelayMs(3, 1000, 60_000, () => 0.5)).toBe(4000);
    expect(reconnectDelayMs(30, 1000, 60_000, () => 0.5)).toBe(60_000);
    expect(reconnectDelayMs(2, 1000, 60_000, () => 0)).toBe(1500);
  });
});

describe('SecretBox', () => {
  const dirs: string[] = [];
  const dir = () => {
    const d = mkdtempSync(join(tmpdir(), 'localdesk-secrets-'));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('round-trips, creates an owner-only 32-byte key on first use, and is readable by another instance', () => {
    const d = dir();
    const sealed = new SecretBox(d).encrypt('pässwörd with spaces ', 'mailbox:1:imap');
    expect(sealed).not.toContain('pässwörd');
    expect(statSync(join(d, 'secret.key')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(d, 'secret.key'))).toHaveLength(32);
    expect(new SecretBox(d).decrypt(sealed, 'mailbox:1:imap')).toBe('pässwörd with spaces ');
  });

  it('refuses a value sealed for something else, a tampered value, and another key', () => {
    const d = dir();
    const box = new SecretBox(d);
    const sealed = box.encrypt('secret', 'mailbox:1:imap');
    expect(() => box.decrypt(sealed, 'mailbox:2:imap')).toThrow(SecretError);
    const [v, iv, tag, body] = sealed.split('.');
    const flipped = Buffer.from(body ?? '', 'base64url');
    flipped[0] = (flipped[0] ?? 0) ^ 1;
    expect(() => box.decrypt([v, iv, tag, flipped.toString('base64url')].join('.'), 'mailbox:1:imap')).toThrow(SecretError);
    expect(() => box.decrypt('plain text', 'mailbox:1:imap')).toThrow(/not in a known format/);
    const other = dir();
    writeFileSync(join(other, 'secret.key'), Buffer.alloc(32, 7), { mode: 0o600 });
    expect(() => new SecretBox(other).decrypt(sealed, 'mailbox:1:imap')).toThrow(/does not decrypt/);
  });

  it('never creates a key just to read, and rejects a key file of the wrong size', () => {
    const d = dir();
    expect(() => new SecretBox(d).decrypt('v1.a.b.c', 'x')).toThrow(/secret\.key is missing/);
    writeFileSync(join(d, 'secret.key'), 'short');
    expect(() => new SecretBox(d).encrypt('x', 'y')).toThrow(/not a 32-byte key/);
  });
});
