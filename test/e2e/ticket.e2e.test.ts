// The ticket page in a real Chromium against a real server: open from the inbox, reply and
// note from the keyboard, macros, optimistic changes and their rollback. Needs the built UI.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, signIn, startUiServer } from '../helpers/browser.ts';
import { buildKey, buildTicket, buildUser } from '../helpers/factories.ts';
import type { TestServer } from '../helpers/server.ts';

let s: TestServer;
let browser: Browser;
let page: Page;
let meId: string;

beforeAll(async () => {
  s = await startUiServer();
  browser = await launchBrowser();
  meId = (await s.api.get<{ id: string }>('/users/me')).body.data.id;
  page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await signIn(page, s);
  // Replies go at once here; composer.e2e.test.ts tests the undo window.
  await page.evaluate(() => localStorage.setItem('localdesk.undoSendSeconds', '0'));
});
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

interface Detail {
  status: string;
  priority: string;
  assignedTo: string | null;
  firstResponseAt: string | null;
  tags: string[];
  messages: { body: string; sender: string; internal: boolean }[];
}

async function ticketOf(id: string): Promise<Detail> {
  return (await s.api.get<Detail>(`/tickets/${id}`)).body.data;
}

async function openTicket(id: string): Promise<void> {
  await page.goto(`${s.url}/tickets/${id}`);
  await page.getByRole('list', { name: 'Messages' }).waitFor();
}

/** Keeps this page from hearing live updates, as if another agent's change had not reached it yet. */
async function withoutLiveUpdates(run: () => Promise<void>): Promise<void> {
  await page.route('**/api/v1/events/stream*', (route) => route.abort());
  try {
    await run();
  } finally {
    await page.unroute('**/api/v1/events/stream*');
  }
}

describe('ticket page', () => {
  it('opens from the inbox with Enter, replies with r + Ctrl+Enter, and records the first response', async () => {
    const ticket = await buildTicket(s.api, { subject: 'Reply from the keyboard' });
    await page.goto(`${s.url}/inbox`);
    await page.locator(`.ticket-row.active[data-ticket-id="${ticket.id}"]`).waitFor();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Reply from the keyboard' }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/tickets/${ticket.id}`);

    await page.keyboard.press('r');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Reply to customer');
    await page.keyboard.type('Thanks for the report, a fix is on its way.');
    await page.keyboard.press('Control+Enter');
    await expect
      .poll(async () => (await ticketOf(ticket.id)).messages.map((m) => [m.body, m.sender, m.internal]))
      .toContainEqual(['Thanks for the report, a fix is on its way.', 'agent', false]);
    expect((await ticketOf(ticket.id)).firstResponseAt).not.toBeNull();
    await page.getByRole('listitem', { name: /Agent reply from Administrator/ }).waitFor();
  });

  it('adds an internal note with n, shown as a note', async () => {
    const ticket = await buildTicket(s.api, { subject: 'Note from the keyboard' });
    await openTicket(ticket.id);
    await page.keyboard.press('n');
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Internal note');
    await page.keyboard.type('Customer is on the enterprise plan.');
    await page.keyboard.press('Control+Enter');
    await expect
      .poll(async () => (await ticketOf(ticket.id)).messages.find((m) => m.internal)?.body)
      .toBe('Customer is on the enterprise plan.');
    const note = page.getByRole('listitem', { name: /Internal note from/ });
    await note.waitFor();
    expect(await note.textContent()).toContain('Internal note');
    // A note is not a reply: the first response is still owed.
    expect((await ticketOf(ticket.id)).firstResponseAt).toBeNull();
  });

  it('resolves with e and assigns to me with a, then Escape returns to the inbox on the same ticket', async () => {
    const ticket = await buildTicket(s.api, { subject: 'Shortcuts on the ticket page' });
    await page.goto(`${s.url}/inbox`);
    await page.locator(`.ticket-row.active[data-ticket-id="${ticket.id}"]`).waitFor();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Shortcuts on the ticket page' }).waitFor();
    await page.keyboard.press('a');
    await expect.poll(async () => (await ticketOf(ticket.id)).assignedTo).toBe(meId);
    await page.keyboard.press('e');
    await expect.poll(async () => (await ticketOf(ticket.id)).status).toBe('resolved');
    await expect.poll(() => page.getByLabel('Status').inputValue()).toBe('resolved');
    await page.keyboard.press('Escape');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/inbox');
    await page.locator(`.ticket-row.active[data-ticket-id="${ticket.id}"]`).waitFor();
  });

  it('uses a macro from the picker: its reply fills the composer, and sending runs its actions', async () => {
    const macro = await s.api.post<{ id: string }>('/macros', {
      name: 'Waiting on customer',
      body: 'Hi {{contact.name}}, could you send us a screenshot?',
      actions: { status: 'pending', addTags: ['needs-info'] },
    });
    expect(macro.status).toBe(201);
    const ticket = await buildTicket(s.api, { subject: 'Macro target', contactEmail: 'sam@example.com' });
    await openTicket(ticket.id);
    await page.keyboard.press('m');
    const picker = page.getByRole('dialog', { name: 'Apply a macro' });
    await picker.waitFor();
    await page.keyboard.type('waiting');
    await page.keyboard.press('Enter');
    const box = page.getByRole('textbox', { name: 'Reply to customer' });
    await expect.poll(() => box.inputValue()).toBe('Hi sam@example.com, could you send us a screenshot?');
    await box.press('Control+Enter');
    await expect.poll(async () => (await ticketOf(ticket.id)).status, { timeout: 5000 }).toBe('pending');
    const after = await ticketOf(ticket.id);
    expect(after.tags).toContain('needs-info');
    expect(after.messages.some((m) => m.sender === 'agent' && m.body.startsWith('Hi sam@example.com, could you send'))).toBe(true);
    await page.getByText('Reply sent and “Waiting on customer” applied').waitFor();
    await expect.poll(() => page.getByLabel('Status').inputValue()).toBe('pending');
  });

  it('changes tags and priority at once, and keeps them after the server answers', async () => {
    const ticket = await buildTicket(s.api, { subject: 'Tag me' });
    await openTicket(ticket.id);
    await page.getByLabel('Add a tag').fill('Billing');
    await page.getByLabel('Add a tag').press('Enter');
    await page.getByRole('button', { name: 'Remove tag billing' }).waitFor();
    await page.getByLabel('Priority').selectOption('urgent');
    await expect.poll(async () => (await ticketOf(ticket.id)).tags).toEqual(['billing']);
    await expect.poll(async () => (await ticketOf(ticket.id)).priority).toBe('urgent');
    await page.getByRole('button', { name: 'Remove tag billing' }).click();
    await expect.poll(async () => (await ticketOf(ticket.id)).tags).toEqual([]);
  });

  it('rolls back an assignment the API refuses (agent deactivated meanwhile) and shows why', async () => {
    const agent = await buildUser(s.api, { name: 'Dana Gone' });
    const ticket = await buildTicket(s.api, { subject: 'Assign to a departed agent' });
    await withoutLiveUpdates(async () => {
      await openTicket(ticket.id);
      const assignee = page.getByLabel('Assignee');
      await expect.poll(() => assignee.locator('option').allTextContents()).toContain('Dana Gone');
      expect((await s.api.patch(`/users/${agent.id}`, { active: false })).status).toBe(200);

      await assignee.selectOption(agent.id);
      const toast = page.locator('.ld-toast.error');
      await toast.waitFor();
      expect(await toast.textContent()).toContain('deactivated');
      await expect.poll(() => assignee.inputValue()).toBe('');
      expect((await ticketOf(ticket.id)).assignedTo).toBeNull();
    });
  });

  it('refuses to overwrite a change someone else made (412), reloads, and says so', async () => {
    const ticket = await buildTicket(s.api, { subject: 'Edited twice' });
    await withoutLiveUpdates(async () => {
      await openTicket(ticket.id);
      expect((await s.api.patch(`/tickets/${ticket.id}`, { priority: 'high' })).status).toBe(200);
      await page.getByLabel('Status').selectOption('pending');
      await page.getByText('Someone else changed this ticket').waitFor();
      await expect.poll(() => page.getByLabel('Priority').inputValue()).toBe('high');
      await expect.poll(() => page.getByLabel('Status').inputValue()).toBe('open');
      expect((await ticketOf(ticket.id)).status).toBe('open');
    });
  });

  it('keeps keys inside the macro picker: Tab wraps, e does nothing, Escape and a backdrop click close it', async () => {
    const ticket = await buildTicket(s.api, { subject: 'Picker keeps its keys' });
    await openTicket(ticket.id);
    const activeLabel = () => page.evaluate(() => document.activeElement?.getAttribute('aria-label'));
    await page.keyboard.press('m');
    const picker = page.getByRole('dialog', { name: 'Apply a macro' });
    await picker.waitFor();
    await expect.poll(activeLabel).toBe('Find a macro');
    await page.keyboard.press('Tab');
    expect(await activeLabel()).toBe('Close');
    // Outside a field, e resolves the ticket; inside the dialog it must not reach the page.
    await page.keyboard.press('e');
    await page.keyboard.press('Escape');
    await picker.waitFor({ state: 'detached' });
    expect(new URL(page.url()).pathname).toBe(`/tickets/${ticket.id}`);

    await page.keyboard.press('m');
    await picker.waitFor();
    await page.locator('.overlay').click({ position: { x: 5, y: 5 } });
    await picker.waitFor({ state: 'detached' });
    expect(await page.getByLabel('Status').inputValue()).toBe('open');
    expect((await ticketOf(ticket.id)).status).toBe('open');
  });

  it('merges a duplicate picked by search after confirming', async () => {
    const target = await buildTicket(s.api, { subject: 'Printer jam in office', contactEmail: 'pat@example.com' });
    const duplicate = await buildTicket(s.api, { subject: 'Printer jam again', contactEmail: 'pat@example.com' });
    await openTicket(target.id);
    await page.getByRole('button', { name: 'Merge…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Merge tickets into this one' });
    await dialog.getByRole('checkbox', { name: /Printer jam again/ }).check();
    await dialog.getByRole('button', { name: /Merge 1 selected/ }).click();
    const confirm = page.getByRole('dialog', { name: /Merge 1 ticket into this one\?/ }).getByRole('button', { name: 'Merge tickets' });
    await expect.poll(() => confirm.evaluate((el) => el === document.activeElement)).toBe(true);
    await confirm.click();
    await expect.poll(async () => (await ticketOf(duplicate.id)).status).toBe('closed');
    await page.getByText('Merged 1 ticket into this one').waitFor();
  });

  it('shows the ticket’s changes between the messages, with who made them', async () => {
    const agent = await buildUser(s.api, { name: 'Rita Reyes' });
    const ritaKey = await buildKey(s.api, ['tickets:read', 'tickets:write'], { userId: agent.id });
    const ticket = await buildTicket(s.api, { subject: 'Changes in the thread' });
    await s.api.patch(`/tickets/${ticket.id}`, { status: 'pending', tags: ['billing'] }, { key: ritaKey.key });
    await openTicket(ticket.id);
    const line = page.locator('.msg.activity', { hasText: 'set status to pending' });
    await line.waitFor();
    expect(await line.textContent()).toContain('Rita Reyes');
    expect(await line.textContent()).toContain('added “billing”');
    // A change made while the page is open arrives over the live stream.
    await s.api.patch(`/tickets/${ticket.id}`, { priority: 'urgent' }, { key: ritaKey.key });
    await page.locator('.msg.activity', { hasText: 'set priority to urgent' }).waitFor({ timeout: 10_000 });
  });

  it('shows a realistic thread: customer, agent reply, internal note and SLA', async () => {
    await s.api.post('/contacts', { email: 'olivia.brown@globex.com', name: 'Olivia Brown', company: 'Globex' });
    const maya = await buildUser(s.api, { name: 'Maya Chen' });
    const mayaKey = await buildKey(s.api, ['tickets:read', 'tickets:write'], { userId: maya.id });
    s.clock.set('2026-03-02T07:12:00.000Z');
    const ticket = await buildTicket(s.api, {
      subject: 'Invoices show the wrong VAT number since the March update',
      description:
        'Hi team,\n\nsince the update last week every invoice we download shows our old VAT number (GB 123 4567 89). ' +
        'Our accountant needs corrected copies for February before Friday.\n\nThanks,\nOlivia',
      contactEmail: 'olivia.brown@globex.com',
      priority: 'high',
    });
    await s.api.patch(`/tickets/${ticket.id}`, { tags: ['billing', 'vip'], assignedTo: maya.id });
    s.clock.set('2026-03-02T07:31:00.000Z');
    await s.api.post(
      `/tickets/${ticket.id}/messages`,
      { body: 'Checked the account: the VAT number was updated on Feb 26 but invoices are rendered from a cached profile. Asked billing to clear it.', internal: true },
      { key: mayaKey.key },
    );
    s.clock.set('2026-03-02T07:48:00.000Z');
    await s.api.post(
      `/tickets/${ticket.id}/messages`,
      { body: 'Hi Olivia,\n\nthanks for flagging this! We found the cause: invoices were still using a cached copy of your company profile. I have refreshed it, and new downloads now show GB 987 6543 21.\n\nI will send corrected February invoices within the hour.\n\nBest,\nMaya' },
      { key: mayaKey.key },
    );
    s.clock.set('2026-03-02T08:40:00.000Z');
    await s.api.post(`/tickets/${ticket.id}/messages`, {
      body: 'That was quick, thank you! Could you also send the corrected copy of invoice INV-2026-0214?',
      sender: 'customer',
    });
    s.clock.set('2026-03-02T09:00:00.000Z');

    await openTicket(ticket.id);
    await page.getByRole('listitem', { name: /Internal note from Maya Chen/ }).waitFor();
    await page.getByRole('listitem', { name: /Customer from Olivia Brown/ }).first().waitFor();
    await page.getByRole('region', { name: 'Contact' }).getByText('Globex', { exact: true }).waitFor();
    await page.waitForTimeout(300);
    await screenshot(page, 'ticket');
  });
});
