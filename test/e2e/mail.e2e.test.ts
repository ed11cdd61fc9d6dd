// The e-mail channel in a real Chromium: connect a mailbox under Settings → Mailboxes, a mail
// delivered to Dovecot appears in the open inbox without a reload, the agent's reply typed in
// the UI (with a file dropped on the composer) arrives at the SMTP server with its headers and
// the file, and shows "Sent", and mail kept aside is retried from the settings page.
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyPdf } from '../helpers/attachments.ts';
import { launchBrowser, rendererDir, screenshot, signIn } from '../helpers/browser.ts';
import { RealClock, customerMail, fastMail, getTicket, smtpAuth, supportUser, waitForTicket } from '../helpers/mail.ts';
import { type Dovecot, startDovecot } from '../helpers/dovecot.ts';
import { type TestServer, startTestServer } from '../helpers/server.ts';
import { type SmtpReceiver, startSmtpReceiver } from '../helpers/smtpReceiver.ts';

let s: TestServer;
let imap: Dovecot;
let smtp: SmtpReceiver;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  imap = await startDovecot({ users: [supportUser] });
  smtp = await startSmtpReceiver({ auth: smtpAuth });
  s = await startTestServer({ clock: new RealClock(), config: { ...fastMail, rendererDir } });
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await signIn(page, s);
});
afterAll(async () => {
  await browser?.close();
  await s?.close();
  await smtp?.stop();
  await imap?.stop();
});

describe('e-mail in the UI', () => {
  it('connects a mailbox from Settings, and its connection test says both servers work', async () => {
    await page.goto(`${s.url}/settings/mailboxes`);
    await page.getByRole('button', { name: 'Connect a mailbox' }).first().click();
    const form = page.getByRole('dialog', { name: 'Connect a mailbox' });
    await form.getByLabel('Name', { exact: true }).fill('Acme Support');
    await form.getByLabel('Address', { exact: true }).fill(supportUser.user);
    const imapSet = form.getByRole('group', { name: 'Incoming mail (IMAP)' });
    await imapSet.getByLabel('Server').fill('127.0.0.1');
    await imapSet.getByLabel('Port').fill(String(imap.port));
    await imapSet.getByRole('checkbox', { name: /Use TLS/ }).uncheck();
    await imapSet.getByLabel('User name').fill(supportUser.user);
    await imapSet.getByLabel('Password').fill(supportUser.password);
    const smtpSet = form.getByRole('group', { name: 'Outgoing mail (SMTP)' });
    await smtpSet.getByLabel('Server').fill('127.0.0.1');
    await smtpSet.getByLabel('Port').fill(String(smtp.port));
    await smtpSet.getByLabel('User name').fill(smtpAuth.user);
    await smtpSet.getByLabel('Password').fill(smtpAuth.password);
    await form.getByRole('button', { name: 'Connect mailbox' }).click();
    await form.waitFor({ state: 'detached' });

    const test = page.getByRole('list', { name: 'Connection test' });
    await expect.poll(() => test.textContent(), { timeout: 10_000 }).toMatch(/Fetching \(IMAP\) works.*Sending \(SMTP\) works/);
    await expect.poll(() => page.locator('.st-mailbox-list').textContent(), { timeout: 10_000 }).toContain('Checked');
    const html = await page.content();
    expect(html).not.toContain(supportUser.password);
    expect(html).not.toContain(smtpAuth.password);
    await screenshot(page, 'settings-mailboxes');
  }, 60_000);

  it('shows a delivered mail in the open inbox, and sends the reply typed in the UI, with a dropped file, by e-mail', async () => {
    await page.goto(`${s.url}/inbox`);
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));
    await imap.deliver(
      supportUser.user,
      customerMail({ subject: 'Printer on 3rd floor shows offline', body: 'Hello,\n\nthe printer shows "offline".\n\nJane', messageId: '<ui-jane-1@example.com>' }),
    );
    const ticket = await waitForTicket(s.api, (subject) => subject === 'Printer on 3rd floor shows offline');
    const row = page.locator(`.ticket-row[data-ticket-id="${ticket.id}"]`);
    await row.waitFor({ timeout: 10_000 });
    expect(await page.evaluate(() => 'notReloaded' in window)).toBe(true);

    await row.click();
    await page.getByRole('heading', { name: 'Printer on 3rd floor shows offline' }).waitFor();
    await page.getByRole('listitem', { name: /Customer from Jane Customer/ }).waitFor();
    // A file dropped on the composer goes out with the reply.
    const composer = page.getByRole('region', { name: 'Composer' });
    const transfer = await page.evaluateHandle(
      ({ base64 }) => {
        const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        const dt = new DataTransfer();
        dt.items.add(new File([data], 'spooler-guide.pdf', { type: 'application/pdf' }));
        return dt;
      },
      { base64: tinyPdf.toString('base64') },
    );
    await composer.getByTestId('attach-zone').dispatchEvent('drop', { dataTransfer: transfer });
    await composer.getByRole('list', { name: 'Attached files' }).getByRole('listitem').filter({ hasText: `${tinyPdf.length} B` }).waitFor();
    const box = page.getByRole('textbox', { name: 'Reply to customer' });
    await box.fill('Please restart the print spooler.');
    await box.press('Control+Enter');

    const sent = await smtp.waitFor((m) => m.parsed.text?.includes('print spooler') ?? false);
    expect(sent.to).toEqual(['jane.customer@example.com']);
    expect(sent.parsed.messageId).toMatch(/^<ldk\.msg_[0-9A-Za-z]+\.[0-9a-f]{12}@example\.test>$/);
    expect(sent.parsed.inReplyTo).toBe('<ui-jane-1@example.com>');
    expect(sent.parsed.references).toBe('<ui-jane-1@example.com>');
    expect(sent.parsed.replyTo?.value[0]?.address).toMatch(/^support\+t-[a-z2-7]{16}@example\.test$/);
    expect(sent.parsed.subject).toBe(`Re: Printer on 3rd floor shows offline [#${ticket.number}]`);
    expect(sent.parsed.attachments.map((a) => [a.filename, a.contentType])).toEqual([['spooler-guide.pdf', 'application/pdf']]);
    expect(sent.parsed.attachments[0]?.content.equals(tinyPdf)).toBe(true);
    const reply = page.getByRole('listitem', { name: /Agent reply from/ });
    await expect.poll(() => reply.locator('.mail-delivery').textContent(), { timeout: 10_000 }).toContain('Sent to jane.customer@example.com');

    // The customer answers with a quote: the thread shows the new text, the quote on request.
    await imap.deliver(
      supportUser.user,
      customerMail({
        subject: sent.parsed.subject ?? '',
        body: 'It works again, thanks!\n\nOn Tue, Acme Support wrote:\n> Please restart the print spooler.',
        messageId: '<ui-jane-2@example.com>',
        inReplyTo: sent.parsed.messageId,
      }),
    );
    const answer = page.getByRole('listitem', { name: /Customer from Jane Customer/ }).nth(1);
    await answer.waitFor({ timeout: 10_000 });
    expect(await answer.locator('.msg-body').textContent()).toBe('It works again, thanks!');
    await answer.getByRole('button', { name: 'Show quoted text' }).click();
    expect(await answer.locator('.msg-body').textContent()).toContain('> Please restart the print spooler.');
    expect((await getTicket(s.api, ticket.id)).messages).toHaveLength(3);
    await screenshot(page, 'ticket-mail-thread');
  }, 60_000);

  it('shows a mail’s inline image in its whole message, and saves the original', async () => {
    const raw = readFileSync(new URL('../fixtures/mail/outlook-inline-image.eml', import.meta.url));
    await imap.deliver(supportUser.user, raw);
    const ticket = await waitForTicket(s.api, (subject) => subject === 'Dashboard error since this morning');
    await page.goto(`${s.url}/tickets/${ticket.id}`);
    const message = page.getByRole('listitem', { name: /Customer from Mark Admin/ });
    await message.waitFor();
    // The inline image is not listed as a file; the TNEF blob is.
    expect(await message.locator('.msg-attachments').textContent()).toContain('winmail.dat');
    expect(await message.locator('.msg-attachments').textContent()).not.toContain('image001.png');
    await message.getByRole('button', { name: 'Show the whole message' }).click();
    const image = message.locator('.mail-html img[alt="Screenshot of the error"]');
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0 && img.src.startsWith('blob:')), { timeout: 10_000 }).toBe(true);
    const download = page.waitForEvent('download');
    await message.getByRole('button', { name: 'Show original' }).click();
    const saved = await (await download).path();
    expect(readFileSync(saved).equals(raw)).toBe(true);
    await screenshot(page, 'ticket-mail-inline-image');
  }, 60_000);

  it('lists a message that could not be stored under the mailbox, and imports it on retry', async () => {
    s.sqlite.exec(`CREATE TRIGGER refuse_ui_poison BEFORE INSERT ON tickets WHEN NEW.subject = 'Cannot be stored'
      BEGIN SELECT RAISE(ABORT, 'refused by a test trigger'); END`);
    try {
      await imap.deliver(supportUser.user, customerMail({ subject: 'Cannot be stored', body: 'x', messageId: '<ui-poison@example.com>' }));
      await page.goto(`${s.url}/settings/mailboxes`);
      await page.getByRole('button', { name: /1 message kept aside/ }).click({ timeout: 15_000 });
    } finally {
      s.sqlite.exec('DROP TRIGGER refuse_ui_poison');
    }
    const dialog = page.getByRole('dialog', { name: 'Mail kept aside' });
    await expect.poll(() => dialog.textContent()).toContain('could not store the message: refused by a test trigger');
    await screenshot(page, 'settings-mail-kept-aside');
    await dialog.getByRole('button', { name: 'Retry' }).click();
    await dialog.getByRole('link', { name: 'Open the imported ticket' }).click();
    await page.getByRole('heading', { name: 'Cannot be stored' }).waitFor();
  }, 60_000);
});
