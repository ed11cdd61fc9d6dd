// The whole corpus of real-world-shaped mail (test/fixtures/mail/, README there) delivered to a
// real Dovecot and fetched by the server: every message imports without an error and lands
// where this test says. Fixtures name our replies and tokens from their own story (T-1042);
// those placeholders are swapped for the ones this desk really sent, as a customer's client
// would have quoted them.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deterministicBytes, largeAttachmentMessage, longThreadReply } from '../fixtures/mail/generate.ts';
import { type MailStack, type TicketWithThread, customerMail, getTicket, startMailStack, waitForThread, waitForTicket } from '../helpers/mail.ts';
import { pollUntil } from '../helpers/processes.ts';

const dir = new URL('../fixtures/mail/', import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, dir), 'latin1');
const OUR_FIRST = '<ldk-01J6ZQ3V9K2M7N4P5R8S0T1W2X@localdesk.example.test>';
const OUR_SECOND = '<ldk-01J6ZR8A1B2C3D4E5F6G7H8J9K@localdesk.example.test>';
const OUR_BOUNCED = '<ldk-01J7C9D8E7F6G5H4J3K2M1N0P9@localdesk.example.test>';
const JANE_FIRST = '<A1B2C3D4-0001-4E5F-8A9B-0C1D2E3F4A5B@example.com>';

let stack: MailStack;
beforeAll(async () => {
  stack = await startMailStack();
});
afterAll(async () => {
  await stack?.close();
});

async function replyAndCapture(ticketId: string, body: string): Promise<{ messageId: string; token: string }> {
  const res = await stack.api.post(`/tickets/${ticketId}/messages`, { body });
  expect(res.status).toBe(201);
  const sent = await stack.smtp.waitFor((m) => m.parsed.text?.includes(body) ?? false);
  const replyTo = sent.parsed.replyTo?.value[0]?.address ?? '';
  return { messageId: sent.parsed.messageId ?? '', token: /\+t-([a-z2-7]{16})@/.exec(replyTo)?.[1] ?? '' };
}

const ticketsBy = async (subject: string) =>
  (await stack.api.get<{ id: string; subject: string }[]>('/tickets?limit=100')).body.data.filter((t) => t.subject === subject);

describe('the mail corpus', () => {
  it('imports every fixture without an error, each where it belongs', async () => {
    const { api } = stack;
    // The story's starting point: Jane's first mail opens "T-1042", we reply twice.
    await stack.deliver(customerMail({ subject: 'Printer on 3rd floor shows offline', body: 'It shows offline.', messageId: JANE_FIRST }));
    const printer = await waitForTicket(api, (s) => s === 'Printer on 3rd floor shows offline');
    const first = await replyAndCapture(printer.id, 'Please restart the print spooler.');
    const second = await replyAndCapture(printer.id, 'Is it online again?');
    // Another customer's reply that will bounce, and Mark's own ticket for his Outlook reply.
    const old = await api.post<{ id: string }>('/tickets', { subject: 'Contract renewal', description: 'Renew please.', contactEmail: 'old.contact@example.com' });
    const bounced = await replyAndCapture(old.body.data.id, 'Your renewal is ready.');

    const swap = (raw: string, pairs: [string, string][]) => pairs.reduce((text, [from, to]) => text.split(from).join(to), raw);
    const story: [string, string][] = [
      [OUR_FIRST, first.messageId],
      [OUR_SECOND, second.messageId],
      ['t-01J6ZQ3V9K2M7N4P5R8S0T1W2X', `t-${first.token}`],
    ];
    await stack.deliver(Buffer.from(fixture('outlook-inline-image.eml'), 'latin1'));
    const mark = await waitForTicket(api, (s) => s === 'Dashboard error since this morning');

    const untouched = ['auto-reply-x-autoreply.eml', 'auto-reply-exchange.eml'];
    const files = readdirSync(dir).filter((f) => f.endsWith('.eml') && f !== 'outlook-inline-image.eml').sort();
    for (const file of files) {
      let raw = fixture(file);
      if (file === 'outlook-reply-thread-index.eml') raw = swap(raw, [['[T-1042]', `[#${mark.number}]`]]);
      else if (file === 'bounce-delivery-status.eml') raw = swap(raw, [[OUR_BOUNCED, bounced.messageId]]);
      else if (!untouched.includes(file)) raw = swap(raw, story);
      await stack.deliver(Buffer.from(raw, 'latin1'));
    }
    await stack.deliver(Buffer.from(fixture('no-message-id.eml'), 'latin1')); // the same form mail fetched twice
    const thread = longThreadReply(200).toString('latin1').replace('<ldk-thread-0199@localdesk.example.test>', second.messageId);
    await stack.deliver(Buffer.from(thread, 'latin1'));
    await stack.deliver(largeAttachmentMessage());

    // Fetching is in delivery order: the big message last means everything before is in.
    const big = await waitForTicket(api, (s) => s === 'Logs for the crash (big attachment)', 60_000);
    expect(big.messages[0]?.body).toContain('Here are the server logs you asked for');
    const zip = big.messages[0]?.attachments.find((a) => a.name === 'server-logs-2024-09.zip');
    expect(zip).toMatchObject({ size: 20 * 1024 * 1024, contentType: 'application/zip' });
    expect(zip?.sha256).toBe(createHash('sha256').update(deterministicBytes(20 * 1024 * 1024)).digest('hex'));

    const box = (await api.get<{ fetch: { error: string | null; quarantined: number } }>(`/mailboxes/${stack.mailbox.id}`)).body.data;
    expect(box.fetch).toMatchObject({ error: null, quarantined: 0 });
    const quarantine = await api.get<unknown[]>(`/mailboxes/${stack.mailbox.id}/quarantine`);
    expect(quarantine.body.data).toEqual([]);

    // T-1042: the replies, whatever their client did to the threading headers, and one note.
    const t1042 = await getTicket(api, printer.id);
    const inbound = (t: TicketWithThread) => t.messages.filter((m) => m.email?.direction === 'inbound');
    expect(inbound(t1042)[0]?.body).toBe('It shows offline.');
    const byFrom = (needle: string) => inbound(t1042).find((m) => m.body.includes(needle));
    expect(byFrom('that worked for the printer on the 3rd floor')?.body).not.toContain('wrote:'); // Apple Mail, quote folded
    expect(byFrom('the toner is also low')).toBeTruthy(); // Apple Mail without References
    expect(byFrom('Thanks, that fixed it!')?.body).toBe('Thanks, that fixed it! You can close the ticket.'); // Gmail, signature and quote folded
    expect(byFrom('Thanks, that fixed it!')?.bodyFull).toContain('> please restart the print spooler');
    expect(byFrom('offline again since this morning')).toBeTruthy(); // plus address only
    expect(byFrom('this is message 201 in this thread')).toBeTruthy(); // 200 References
    const note = t1042.messages.find((m) => m.email?.automatic);
    expect(note).toMatchObject({ sender: 'system', internal: true });
    expect(note?.email?.automatic).toBe('Auto-Submitted: auto-replied (vacation)');
    expect(t1042.messages.filter((m) => m.sender === 'customer')).toHaveLength(6);

    // Files: inline images shown in the HTML from the stored part, the rest as attachments, and
    // every mail a person wrote kept whole as original.eml, byte for byte.
    const [screenshot] = mark.messages;
    expect(screenshot?.attachments.map((a) => [a.name, a.contentType])).toEqual([
      ['image001.png', 'image/png'],
      ['winmail.dat', 'application/ms-tnef'],
      ['original.eml', 'message/rfc822'],
    ]);
    const png = screenshot?.attachments[0];
    expect(screenshot?.bodyHtml).toContain(`<img width="8" height="8" src="/api/v1/attachments/${png?.id}/content" alt="Screenshot of the error" data-attachment-id="${png?.id}" />`);
    expect(screenshot?.email?.originalAttachmentId).toBe(screenshot?.attachments[2]?.id);
    const original = await fetch(`${stack.server.url}/api/v1/attachments/${screenshot?.email?.originalAttachmentId}/content`, {
      headers: { 'X-API-Key': stack.server.adminKey },
    });
    expect(Buffer.from(await original.arrayBuffer()).equals(Buffer.from(fixture('outlook-inline-image.eml'), 'latin1'))).toBe(true);
    const forwarded = await waitForTicket(api, (s) => s === 'Fwd: Payment failed – invoice INV-2024-0815');
    expect(forwarded.messages[0]?.attachments.map((a) => a.name)).toEqual(['Payment failed - invoice INV-2024-0815.eml', 'original.eml']);
    const invite = await waitForTicket(api, (s) => s.startsWith('Invitation: Onboarding call'));
    expect(invite.messages[0]?.attachments.map((a) => a.name)).toContain('invite.ics');

    // Mark's Outlook reply threads by [#number] in the subject: he is that ticket's contact.
    const markThread = await getTicket(api, mark.id);
    expect(markThread.messages.map((m) => m.body)).toEqual([
      'Hello support,\n\nthe dashboard shows the error below since this morning (screenshot attached).',
      'Hi,\n\nstill offline after the restart. Can someone come by?\n\nMark',
    ]);

    // The bounce marks the reply it returns as failed, on that ticket.
    const oldThread = await waitForThread(api, old.body.data.id, (t) => t.messages[1]?.delivery?.status === 'failed');
    expect(oldThread.messages[1]?.delivery?.error).toContain('5.1.1');

    // New tickets, decoded; automatic and list mail opened none; the form mail once.
    const subjects = (await api.get<{ subject: string; contactEmail: string }[]>('/tickets?limit=100')).body.data;
    const expected: [string, string][] = [
      ['Problème de connexion après la mise à jour', 'f.muller@example.com'],
      ['Invoice “Q3 licences” – wrong amount', 'renee.dupont@example.com'],
      ['プリンターがオフラインです', 'taro.yamada@example.com'],
      ['請求書の宛名変更', 'hanako.sato@example.com'],
      ['Re: Zahlung fehlgeschlagen 💳 — Bestellung #4711 für Ångström AB', 'bjorn@example.com'],
      ['Fwd: Licence renewal for 25 seats', 'jane.customer@example.com'],
      ['Fwd: Payment failed – invoice INV-2024-0815', 'jane.customer@example.com'],
      ['Contact form: question about pricing', 'lena.fischer@example.com'],
      ['Password reset please', 'max.muster@example.com'],
      [subjects.find((s) => s.subject.startsWith('Invitation: Onboarding call'))?.subject ?? 'calendar invite missing', 'jane.customer@example.com'],
      ['Dashboard error since this morning', 'mark.admin@example.com'],
      ['Logs for the crash (big attachment)', 'jane.customer@example.com'],
      ['Printer on 3rd floor shows offline', 'jane.customer@example.com'],
      ['Contract renewal', 'old.contact@example.com'],
    ];
    expect(subjects.map((s) => [s.subject, s.contactEmail]).sort()).toEqual(expected.sort());
    for (const ignored of ['[updates] September release notes', 'Out of office: [T-1043] VPN drops every hour', 'Automatic reply: [T-1044] New laptop for Anna', 'Undelivered Mail Returned to Sender']) {
      expect(await ticketsBy(ignored)).toEqual([]);
    }

    const windows = await waitForTicket(api, (s) => s === 'Invoice “Q3 licences” – wrong amount');
    expect(windows.messages[0]?.body).toContain('shows €1.299,00 – we were quoted €999.');
    const japanese = await waitForTicket(api, (s) => s === 'プリンターがオフラインです');
    expect(japanese.messages[0]?.body).toContain('3階のプリンターが「オフライン」と表示されます。');
    const french = await waitForTicket(api, (s) => s === 'Problème de connexion après la mise à jour');
    const francois = await api.get<{ name: string }>(`/contacts/${french.contactId}`);
    expect(francois.body.data.name).toBe('François Müller');

    const hostile = await waitForTicket(api, (s) => s === 'Password reset please');
    const html = hostile.messages[0]?.bodyHtml ?? '';
    expect(html).toContain('<b>reset my password</b>');
    for (const bad of ['<script', 'onerror', 'onload', 'javascript:', '<iframe', '<form', 'http-equiv', 'tracker.example.com', '<svg']) {
      expect(html).not.toContain(bad);
    }
    expect(hostile.messages[0]?.body).toContain('please reset my password, I am locked out.');
    expect(hostile.messages[0]?.body).not.toContain('javascript:');

    const form = await waitForTicket(api, (s) => s === 'Contact form: question about pricing');
    expect(form.messages).toHaveLength(1);
    expect(form.messages[0]?.email?.messageId).toMatch(/^<synthetic\.[0-9a-f]{40}@localdesk\.invalid>$/);

    const forward = await waitForTicket(api, (s) => s === 'Fwd: Licence renewal for 25 seats');
    expect(forward.messages[0]?.body).toContain('From: Bob Vendor <bob@vendor.example.com>');
    await pollUntil(async () => (await api.get<{ fetch: { checkedAt: string | null } }>(`/mailboxes/${stack.mailbox.id}`)).body.data.fetch.checkedAt, {
      timeoutMs: 5_000,
      describe: () => 'the mailbox never reported a successful check',
    });
  }, 120_000);
});
