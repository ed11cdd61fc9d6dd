// Attachments in a real Chromium: drop an image into the composer, paste a screenshot, open the
// thumbnail, download a PDF. Needs the built UI.
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AttachmentData, tinyPdf, tinyPng, uploadRaw } from '../helpers/attachments.ts';
import { launchBrowser, screenshot, signIn, startUiServer } from '../helpers/browser.ts';
import { buildTicket } from '../helpers/factories.ts';
import type { TestServer } from '../helpers/server.ts';

let s: TestServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  s = await startUiServer();
  browser = await launchBrowser();
  page = await browser.newPage({ viewport: { width: 1440, height: 900 }, acceptDownloads: true });
  await signIn(page, s);
  // Replies go at once here; composer.e2e.test.ts tests the undo window.
  await page.evaluate(() => localStorage.setItem('localdesk.undoSendSeconds', '0'));
});
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

interface Detail {
  messages: { body: string; attachments: AttachmentData[] }[];
}

async function openTicket(id: string): Promise<void> {
  await page.goto(`${s.url}/tickets/${id}`);
  await page.getByRole('list', { name: 'Messages' }).waitFor();
}

/** A DataTransfer in the page holding one file made from these bytes. */
function dataTransferWith(bytes: Buffer, name: string, type: string) {
  return page.evaluateHandle(
    ({ base64, name, type }) => {
      const data = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
      const transfer = new DataTransfer();
      transfer.items.add(new File([data], name, { type }));
      return transfer;
    },
    { base64: bytes.toString('base64'), name, type },
  );
}

const composer = () => page.getByRole('region', { name: 'Composer' });

async function sendReply(text: string): Promise<void> {
  await composer().getByRole('textbox').fill(text);
  await composer().getByRole('button', { name: /Send reply/ }).click();
}

describe('attachments in the ticket page', () => {
  it('gives an undone reply its files back, and sends them with it later', async () => {
    await page.evaluate(() => localStorage.setItem('localdesk.undoSendSeconds', '30'));
    try {
      const ticket = await buildTicket(s.api, { subject: 'Undo with a file' });
      await openTicket(ticket.id);
      const zone = composer().getByTestId('attach-zone');
      const transfer = await dataTransferWith(tinyPng, 'second-thoughts.png', 'image/png');
      await zone.dispatchEvent('drop', { dataTransfer: transfer });
      const chips = composer().getByRole('list', { name: 'Attached files' }).getByRole('listitem');
      await chips.filter({ hasText: `${tinyPng.length} B` }).waitFor();
      await sendReply('With the file');
      await page.getByRole('button', { name: 'Undo' }).click();
      await chips.filter({ hasText: 'second-thoughts.png' }).waitFor();
      expect(await composer().getByRole('textbox').inputValue()).toBe('With the file');
      const held = (await s.api.get<Detail>(`/tickets/${ticket.id}`)).body.data;
      expect(held.messages.filter((m) => m.body === 'With the file')).toEqual([]);

      await page.evaluate(() => localStorage.setItem('localdesk.undoSendSeconds', '0'));
      await composer().getByRole('button', { name: /Send reply/ }).click();
      await expect
        .poll(async () => (await s.api.get<Detail>(`/tickets/${ticket.id}`)).body.data.messages.at(-1))
        .toMatchObject({ body: 'With the file', attachments: [{ name: 'second-thoughts.png' }] });
    } finally {
      await page.evaluate(() => localStorage.setItem('localdesk.undoSendSeconds', '0'));
    }
  });

  it('takes an image dropped on the composer, sends it, and shows its thumbnail with a lightbox', async () => {
    const ticket = await buildTicket(s.api, { subject: 'Dropped screenshot' });
    await openTicket(ticket.id);
    const zone = composer().getByTestId('attach-zone');
    const transfer = await dataTransferWith(tinyPng, 'dropped.png', 'image/png');
    await zone.dispatchEvent('dragover', { dataTransfer: transfer });
    await zone.dispatchEvent('drop', { dataTransfer: transfer });
    const chip = composer().getByRole('list', { name: 'Attached files' }).getByRole('listitem');
    await chip.filter({ hasText: 'dropped.png' }).filter({ hasText: `${tinyPng.length} B` }).waitFor(); // uploaded
    await sendReply('Here is the screenshot');

    const thumb = page.getByRole('list', { name: 'Messages' }).getByRole('button', { name: 'View dropped.png' });
    await thumb.locator('img').waitFor();
    expect(await thumb.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1);
    await expect.poll(async () => (await composer().getByRole('list', { name: 'Attached files' }).count())).toBe(0);
    const detail = (await s.api.get<Detail>(`/tickets/${ticket.id}`)).body.data;
    expect(detail.messages.at(-1)).toMatchObject({ body: 'Here is the screenshot', attachments: [{ name: 'dropped.png', contentType: 'image/png' }] });

    await thumb.click();
    const lightbox = page.getByRole('dialog', { name: 'dropped.png' });
    await lightbox.getByRole('img', { name: 'dropped.png' }).waitFor();
    await screenshot(page, 'attachment-lightbox');
    await page.keyboard.press('Escape');
    await lightbox.waitFor({ state: 'detached' });
  });

  it('takes a pasted screenshot, and lets a chip be removed before sending', async () => {
    const ticket = await buildTicket(s.api, { subject: 'Pasted screenshot' });
    await openTicket(ticket.id);
    const textarea = composer().getByRole('textbox');
    await textarea.click();
    for (const name of ['image.png', 'unwanted.png']) {
      const transfer = await dataTransferWith(tinyPng, name, 'image/png');
      await textarea.evaluate((el, dt) => {
        el.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
      }, transfer);
    }
    const chips = composer().getByRole('list', { name: 'Attached files' }).getByRole('listitem');
    await expect.poll(() => chips.count()).toBe(2);
    await composer().getByRole('button', { name: 'Remove unwanted.png' }).click();
    await chips.filter({ hasText: `${tinyPng.length} B` }).waitFor();
    await expect.poll(() => chips.count()).toBe(1);
    await sendReply('Pasted it');
    await page.getByRole('list', { name: 'Messages' }).getByRole('button', { name: 'View image.png' }).locator('img').waitFor();
    const detail = (await s.api.get<Detail>(`/tickets/${ticket.id}`)).body.data;
    expect(detail.messages.at(-1)?.attachments.map((a) => a.name)).toEqual(['image.png']);
  });

  it('downloads a PDF with its name and bytes', async () => {
    const pdf = (await uploadRaw(s.url, s.adminKey, tinyPdf, { name: 'invoice 2026.pdf', type: 'application/pdf' })).body.data;
    const ticket = await buildTicket(s.api, { subject: 'Invoice attached' });
    expect((await s.api.post(`/tickets/${ticket.id}/messages`, { body: 'The invoice', attachments: [pdf.id] })).status).toBe(201);
    await openTicket(ticket.id);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download invoice 2026.pdf' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('invoice 2026.pdf');
    expect(readFileSync(await download.path())).toEqual(tinyPdf);
  });
});
