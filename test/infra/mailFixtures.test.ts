// Every mail fixture is wire-shaped (CRLF) and parses with mailparser, the product's parser,
// into what its README row says it is.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type AddressObject, type ParsedMail, simpleParser } from 'mailparser';
import { describe, expect, test } from 'vitest';
import { deterministicBytes, largeAttachmentMessage, longThreadReply } from '../fixtures/mail/generate.ts';

const dir = fileURLToPath(new URL('../fixtures/mail/', import.meta.url));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.eml'))
  .sort();

const OUR_FIRST = '<ldk-01J6ZQ3V9K2M7N4P5R8S0T1W2X@localdesk.example.test>';
const JANE_FIRST = '<A1B2C3D4-0001-4E5F-8A9B-0C1D2E3F4A5B@example.com>';
const JANE_FOLLOW_UP = '<A1B2C3D4-0003-4E5F-8A9B-0C1D2E3F4A5B@example.com>';
const OUR_SECOND = '<ldk-01J6ZR8A1B2C3D4E5F6G7H8J9K@localdesk.example.test>';

function parse(raw: Buffer): Promise<ParsedMail> {
  // keepCidLinks: leave cid: URLs in the HTML (by default simpleParser inlines them as data:).
  return simpleParser(raw, { keepCidLinks: true });
}

const addresses = (a: AddressObject | AddressObject[] | undefined) => (Array.isArray(a) ? a : a ? [a] : []).flatMap((x) => x.value);
const header = (m: ParsedMail, name: string) => m.headers.get(name);
const attachmentSummary = (m: ParsedMail) =>
  m.attachments.map((a) => ({ filename: a.filename, type: a.contentType, disposition: a.contentDisposition }));

/** What each fixture must parse to. A file without an entry here fails the listing test. */
const checks: Record<string, (m: ParsedMail) => void | Promise<void>> = {
  'apple-mail-reply.eml': (m) => {
    expect(m.subject).toBe('Re: [T-1042] Printer on 3rd floor shows offline');
    expect(m.inReplyTo).toBe(OUR_SECOND);
    expect(m.references).toEqual([JANE_FIRST, OUR_SECOND]);
    expect(m.references).not.toContain(OUR_FIRST);
    expect(m.references).not.toContain(JANE_FOLLOW_UP);
    expect(m.text).toContain('still says “offline” though.');
    expect(m.html).toContain('<blockquote type="cite">');
    expect(m.attachments).toEqual([]);
  },
  'apple-mail-reply-no-references.eml': (m) => {
    expect(m.inReplyTo).toBe(OUR_SECOND);
    expect(m.references).toBeUndefined();
    expect(m.html).toBeFalsy(); // no HTML part
    expect(m.text).toContain('the toner is also low');
  },
  'outlook-inline-image.eml': (m) => {
    expect(m.subject).toBe('Dashboard error since this morning');
    expect(header(m, 'thread-index')).toBeTruthy();
    expect(attachmentSummary(m)).toEqual([
      { filename: 'image001.png', type: 'image/png', disposition: 'inline' },
      { filename: 'winmail.dat', type: 'application/ms-tnef', disposition: 'attachment' },
    ]);
    const [image, tnef] = m.attachments;
    expect(image?.cid).toBe('image001.png@01DAFE12.A3B45F10');
    expect(image?.related).toBe(true);
    expect(m.html).toContain(`src="cid:${image?.cid}"`);
    expect(image?.content.subarray(0, 8).toString('latin1')).toBe('\x89PNG\r\n\x1a\n');
    expect(tnef?.content.readUInt32LE(0)).toBe(0x223e9f78); // TNEF signature
    expect(m.text).toContain('the dashboard shows the error below');
  },
  'outlook-reply-thread-index.eml': (m) => {
    expect(m.subject).toBe('RE: [T-1042] Printer on 3rd floor shows offline');
    expect(m.inReplyTo).toBeUndefined();
    expect(m.references).toBeUndefined();
    expect(header(m, 'thread-topic')).toBe('[T-1042] Printer on 3rd floor shows offline');
    expect(String(header(m, 'thread-index'))).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(m.text).toMatch(/Mark\n\nFrom: Acme Support <support@example.test>\nSent: Tuesday/);
  },
  'gmail-reply-quoted.eml': (m) => {
    expect(m.inReplyTo).toBe(OUR_FIRST);
    expect(m.references).toEqual([JANE_FIRST, OUR_FIRST]);
    expect(m.text).toContain('\n-- \nJane Customer\n');
    expect(m.text).toContain('On Tue, Sep 3, 2024 at 4:20 PM Acme Support <support@example.test> wrote:\n\n> Hi Jane,');
    expect(m.html).toContain('class="gmail_quote"');
    expect(m.html).toContain('class="gmail_signature"');
  },
  'forward-inline.eml': (m) => {
    expect(m.subject).toBe('Fwd: Licence renewal for 25 seats');
    expect(m.text).toContain('---------- Forwarded message ---------\nFrom: Bob Vendor <bob@vendor.example.com>');
    expect(m.attachments).toEqual([]);
  },
  'forward-attached-rfc822.eml': async (m) => {
    expect(m.subject).toBe('Fwd: Payment failed – invoice INV-2024-0815');
    expect(attachmentSummary(m)).toEqual([
      { filename: 'Payment failed - invoice INV-2024-0815.eml', type: 'message/rfc822', disposition: 'attachment' },
    ]);
    const inner = await parse(m.attachments[0]!.content);
    expect(inner.subject).toBe('Payment failed – invoice INV-2024-0815');
    expect(inner.messageId).toBe('<inv-2024-0815.reminder@vendor.example.com>');
    expect(attachmentSummary(inner)).toEqual([
      { filename: 'INV-2024-0815.pdf', type: 'application/pdf', disposition: 'attachment' },
    ]);
    expect(m.text).not.toContain('we could not charge your card');
  },
  'charset-iso-8859-1-qp.eml': (m) => {
    expect(m.subject).toBe('Problème de connexion après la mise à jour');
    expect(addresses(m.from)).toEqual([{ name: 'François Müller', address: 'f.muller@example.com' }]);
    expect(m.text).toContain('« Mot de passe incorrect », même après réinitialisation.');
  },
  'charset-windows-1252.eml': (m) => {
    expect(m.subject).toBe('Invoice “Q3 licences” – wrong amount');
    expect(addresses(m.from)[0]?.name).toBe('Renée Dupont');
    expect(m.text).toContain('the invoice for “Q3 licences” shows €1.299,00 – we were quoted €999.');
    expect(m.text).not.toMatch(/[\u0080-\u009f]/); // no Latin-1 control characters
  },
  'charset-iso-2022-jp.eml': (m) => {
    expect(m.subject).toBe('プリンターがオフラインです');
    expect(addresses(m.from)[0]?.name).toBe('山田 太郎');
    expect(m.text).toContain('3階のプリンターが「オフライン」と表示されます。');
  },
  'charset-shift-jis.eml': (m) => {
    expect(m.subject).toBe('請求書の宛名変更');
    expect(addresses(m.from)[0]?.name).toBe('佐藤 花子');
    expect(m.text).toContain('請求書の宛名を「株式会社サンプル」に変更してください。');
  },
  'rfc2047-encoded-headers.eml': (m) => {
    expect(m.subject).toBe('Re: Zahlung fehlgeschlagen 💳 — Bestellung #4711 für Ångström AB');
    expect(addresses(m.from)).toEqual([{ name: 'Björn Ångström', address: 'bjorn@example.com' }]);
    expect(addresses(m.to)).toEqual([{ name: 'Acme Support – Team', address: 'support@example.test' }]);
  },
  'auto-reply-auto-submitted.eml': (m) => {
    expect(header(m, 'auto-submitted')).toBe('auto-replied (vacation)');
    expect(header(m, 'return-path')).toMatchObject({ text: '' });
    expect(m.inReplyTo).toBe(OUR_FIRST);
  },
  'auto-reply-x-autoreply.eml': (m) => {
    expect(header(m, 'auto-submitted')).toBeUndefined();
    expect(header(m, 'x-autoreply')).toBe('yes');
    expect(header(m, 'precedence')).toBe('auto_reply');
  },
  'auto-reply-exchange.eml': (m) => {
    expect(header(m, 'auto-submitted')).toBeUndefined();
    expect(header(m, 'x-auto-response-suppress')).toBe('All');
    expect(m.subject).toBe('Automatic reply: [T-1044] New laptop for Anna');
    expect(m.text).toContain('I am out of the office until 16 September.');
  },
  'bounce-delivery-status.eml': (m) => {
    expect(header(m, 'content-type')).toMatchObject({
      value: 'multipart/report',
      params: { 'report-type': 'delivery-status' },
    });
    expect(m.text).toContain('Action: failed\nStatus: 5.1.1');
    const returned = m.attachments.find((a) => a.contentType === 'text/rfc822-headers');
    expect(returned?.content.toString()).toContain(
      'Message-ID: <ldk-01J7C9D8E7F6G5H4J3K2M1N0P9@localdesk.example.test>\r\n',
    );
  },
  'calendar-invite.eml': (m) => {
    expect(m.text).toContain('Onboarding call: LocalDesk rollout');
    const calendar = m.attachments.find((a) => a.contentType === 'text/calendar');
    expect(calendar?.content.toString()).toContain('METHOD:REQUEST\r\n');
    expect(calendar?.content.toString()).toContain('SUMMARY:Onboarding call: LocalDesk rollout\r\n');
    expect(m.attachments.find((a) => a.filename === 'invite.ics')?.contentType).toBe('application/ics');
  },
  'no-message-id.eml': (m) => {
    expect(m.messageId).toBeUndefined();
    expect(addresses(m.replyTo)).toEqual([{ name: 'Lena Fischer', address: 'lena.fischer@example.com' }]);
    expect(m.text).toContain('Company: Fischer & Söhne GmbH');
  },
  'html-only-active-content.eml': (m) => {
    expect(m.html).toContain('<script>');
    expect(m.html).toContain('onerror=');
    expect(m.html).toContain('href="javascript:');
    // the parser's text is derived from the HTML; sanitising the HTML is the product's job
    expect(m.text).toContain('Hello, please reset my password, I am locked out.');
    expect(m.text).not.toContain('document.cookie');
  },
  'mailing-list.eml': (m) => {
    expect(header(m, 'precedence')).toBe('list');
    expect(header(m, 'list')).toMatchObject({
      id: { id: 'updates.lists.example.com' },
      unsubscribe: { mail: 'updates-leave@lists.example.com' },
    });
  },
  'plus-addressed-reply.eml': (m) => {
    expect(m.inReplyTo).toBeUndefined();
    expect(m.references).toBeUndefined();
    expect(addresses(m.to)).toEqual([
      { name: 'Acme Support', address: 'support+t-01J6ZQ3V9K2M7N4P5R8S0T1W2X@example.test' },
    ]);
  },
};

describe('mail fixtures', () => {
  test('every .eml has checks here and a row in the README, and nothing else is listed', () => {
    expect(files).toEqual(Object.keys(checks).sort());
    const readme = readFileSync(`${dir}README.md`, 'utf8');
    const listed = [...readme.matchAll(/^\| `([^`]+\.eml)` \|/gm)].map((m) => m[1]).sort();
    expect(listed).toEqual(files);
  });

  test.each(files)('%s is wire-shaped: CRLF only, lines within 998 octets', (file) => {
    const raw = readFileSync(`${dir}${file}`);
    expect(raw.subarray(-2).toString()).toBe('\r\n');
    expect(raw.toString('latin1').match(/(?<!\r)\n/g)).toBeNull();
    const longest = Math.max(...raw.toString('latin1').split('\r\n').map((l) => l.length));
    expect(longest).toBeLessThanOrEqual(998);
  });

  test.each(files)('%s parses to what the README says', async (file) => {
    const raw = readFileSync(`${dir}${file}`);
    const m = await parse(raw);
    if (file !== 'no-message-id.eml') expect(m.messageId).toMatch(/^<[^<>\s]+@[^<>\s]+>$/);
    expect(m.date?.getUTCFullYear()).toBe(2024);
    for (const a of addresses(m.from).concat(addresses(m.to))) expect(a.address).toMatch(/@([a-z0-9-]+\.)*example\.(com|test)$/);
    await checks[file]!(m);
  });
});

describe('generated messages', () => {
  test('largeAttachmentMessage() is deterministic and parses to one 20 MiB attachment', async () => {
    const raw = largeAttachmentMessage();
    expect(createHash('sha256').update(raw).digest('hex')).toBe(
      'c049c990f1de7de4abf8a131d63fc37ce1063888f0c3342173a9acffe05ca664',
    );
    expect(raw.toString('latin1', 0, 4096).match(/(?<!\r)\n/g)).toBeNull();
    const m = await parse(raw);
    expect(m.attachments).toHaveLength(1);
    const [zip] = m.attachments;
    expect(zip?.filename).toBe('server-logs-2024-09.zip');
    expect(zip?.size).toBe(20 * 1024 * 1024);
    expect(zip?.checksum).toBe(createHash('md5').update(deterministicBytes(20 * 1024 * 1024)).digest('hex'));
    expect(largeAttachmentMessage({ attachmentBytes: 1000 }).length).toBeLessThan(2500);
  });

  test('longThreadReply(n) lists n references, the last one as In-Reply-To', async () => {
    const m = await parse(longThreadReply(200));
    expect(m.references).toHaveLength(200);
    expect(m.inReplyTo).toBe('<ldk-thread-0199@localdesk.example.test>');
    expect(() => longThreadReply(0)).toThrow();
  });
});
