// The composer as an agent uses it all day: keys typed into it stay text, a note never reaches
// the customer, a macro is a draft to edit, and a reply can be taken back for a few seconds.
// Needs the built UI.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openSignedIn, startLiveUiServer } from '../helpers/browser.ts';
import { buildTicket } from '../helpers/factories.ts';
import type { TestServer } from '../helpers/server.ts';

let s: TestServer;
let browser: Browser;
let page: Page;

beforeAll(async () => {
  s = await startLiveUiServer();
  browser = await launchBrowser();
  page = await openSignedIn(browser, s);
});
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

interface Detail {
  status: string;
  assignedTo: string | null;
  tags: string[];
  messages: { body: string; sender: string; internal: boolean }[];
}

const ticketOf = async (id: string) => (await s.api.get<Detail>(`/tickets/${id}`)).body.data;
const focusedLabel = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
const agentMessages = async (id: string) => (await ticketOf(id)).messages.filter((m) => m.sender === 'agent').map((m) => [m.body, m.internal]);

async function openTicket(id: string): Promise<void> {
  await page.goto(`${s.url}/tickets/${id}`);
  await page.getByRole('list', { name: 'Messages' }).waitFor();
}

/** Replies wait out the undo window; these tests turn it off unless they test it. */
async function setUndoSeconds(seconds: number): Promise<void> {
  await page.evaluate((value) => localStorage.setItem('localdesk.undoSendSeconds', String(value)), seconds);
}

describe('composer', () => {
  it('focuses the box when a tab is clicked, so letters that are shortcuts are only text', async () => {
    const ticket = await buildTicket(s.api, { subject: 'Typing is typing' });
    await openTicket(ticket.id);
    await page.getByRole('tab', { name: /Internal note/ }).click();
    expect(await focusedLabel()).toBe('Internal note');
    await page.keyboard.type('abc e g s');
    expect(await page.getByRole('textbox', { name: 'Internal note' }).inputValue()).toBe('abc e g s');

    await page.getByRole('tab', { name: /Reply/ }).click();
    expect(await focusedLabel()).toBe('Reply to customer');
    await page.keyboard.type('mark as resolved');
    expect(await page.getByRole('textbox', { name: 'Reply to customer' }).inputValue()).toBe('mark as resolved');

    await page.waitForTimeout(300);
    expect(new URL(page.url()).pathname).toBe(`/tickets/${ticket.id}`);
    expect(await ticketOf(ticket.id)).toMatchObject({ status: 'open', assignedTo: null });
    expect(await agentMessages(ticket.id)).toEqual([]);
  });

  it('Escape leaves the box, and switching mode never sends', async () => {
    const ticket = await buildTicket(s.api, { subject: 'Switching modes' });
    await openTicket(ticket.id);
    await page.keyboard.press('r');
    await page.keyboard.type('Draft reply');
    await page.getByRole('tab', { name: /Internal note/ }).click();
    await page.getByRole('tab', { name: /Reply/ }).click();
    expect(await page.getByRole('textbox', { name: 'Reply to customer' }).inputValue()).toBe('Draft reply');
    await page.keyboard.press('Escape');
    expect(await focusedLabel()).not.toBe('Reply to customer');
    expect(new URL(page.url()).pathname).toBe(`/tickets/${ticket.id}`);
    expect(await agentMessages(ticket.id)).toEqual([]);
  });

  it('returns focus to the thread after a send, so n opens a note that is stored internal', async () => {
    await setUndoSeconds(0);
    const ticket = await buildTicket(s.api, { subject: 'Reply then note' });
    await openTicket(ticket.id);
    await page.keyboard.press('r');
    await page.keyboard.type('A fix is deployed, please try again.');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => agentMessages(ticket.id), { timeout: 10_000 }).toEqual([['A fix is deployed, please try again.', false]]);
    await page.keyboard.press('n');
    await expect.poll(focusedLabel).toBe('Internal note');
    await page.keyboard.type('Customer confirmed by phone.');
    await page.keyboard.press('Control+Enter');
    await expect
      .poll(() => agentMessages(ticket.id), { timeout: 10_000 })
      .toEqual([
        ['A fix is deployed, please try again.', false],
        ['Customer confirmed by phone.', true],
      ]);
    await page.getByRole('listitem', { name: /Internal note from Administrator/ }).waitFor();
  });

  it('fills the composer with a macro to edit, and sends the edited text with the macro’s actions', async () => {
    await setUndoSeconds(0);
    const macro = await s.api.post<{ id: string }>('/macros', {
      name: 'Waiting on customer',
      body: 'Hi {{contact.name}}, could you send us a screenshot?',
      actions: { status: 'pending', addTags: ['needs-info'] },
    });
    expect(macro.status).toBe(201);
    const ticket = await buildTicket(s.api, { subject: 'Macro target', contactEmail: 'sam@example.com' });
    await openTicket(ticket.id);
    await page.keyboard.press('m');
    await page.getByRole('dialog', { name: 'Apply a macro' }).waitFor();
    await page.keyboard.type('waiting');
    await page.keyboard.press('Enter');

    const box = page.getByRole('textbox', { name: 'Reply to customer' });
    await expect.poll(() => box.inputValue()).toBe('Hi sam@example.com, could you send us a screenshot?');
    expect(await page.getByRole('region', { name: 'Composer' }).textContent()).toContain('needs-info');
    // Nothing has been sent or changed yet.
    expect(await ticketOf(ticket.id)).toMatchObject({ status: 'open', tags: [] });
    expect(await agentMessages(ticket.id)).toEqual([]);

    await box.fill('Hi Sam, could you send us a screenshot of the error?');
    await box.press('Control+Enter');
    await expect.poll(async () => (await ticketOf(ticket.id)).status, { timeout: 10_000 }).toBe('pending');
    const after = await ticketOf(ticket.id);
    expect(after.tags).toContain('needs-info');
    expect(await agentMessages(ticket.id)).toEqual([['Hi Sam, could you send us a screenshot of the error?', false]]);
  });

  it('holds a reply for the undo window; Undo puts the text back and nothing is sent', async () => {
    await setUndoSeconds(4);
    const ticket = await buildTicket(s.api, { subject: 'Second thoughts' });
    await openTicket(ticket.id);
    await page.keyboard.press('r');
    await page.keyboard.type('Oops, wrong customer.');
    await page.keyboard.press('Control+Enter');
    await page.getByRole('button', { name: 'Undo' }).click();
    await expect.poll(() => page.getByRole('textbox', { name: 'Reply to customer' }).inputValue()).toBe('Oops, wrong customer.');
    await page.waitForTimeout(5000);
    expect(await agentMessages(ticket.id)).toEqual([]);

    await page.getByRole('textbox', { name: 'Reply to customer' }).fill('Right customer this time.');
    await page.keyboard.press('Control+Enter');
    await page.getByRole('button', { name: 'Undo' }).waitFor();
    expect(await agentMessages(ticket.id)).toEqual([]);
    await expect.poll(() => agentMessages(ticket.id), { timeout: 10_000 }).toEqual([['Right customer this time.', false]]);
  });
});
