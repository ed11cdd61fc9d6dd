// Triage defects found by using the UI as a new agent would: wrong SLA times, a layout that
// fell apart at 800 px, no way to create tickets or contacts, saved views that ate keys, an
// "SLA breaching" view that listed everything, and a read-only key offered actions it cannot
// take. Needs the built UI.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openSignedIn, startLiveUiServer } from '../helpers/browser.ts';
import { buildKey, buildTicket, buildUser } from '../helpers/factories.ts';
import type { TestServer } from '../helpers/server.ts';

let s: TestServer;
let browser: Browser;

beforeAll(async () => {
  s = await startLiveUiServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

const day = 86_400_000;
const row = (page: Page, id: string) => page.locator(`.ticket-row[data-ticket-id="${id}"]`);

describe('time', () => {
  it('shows the year and Overdue for a ticket created a year ago', async () => {
    s.clock.set(new Date(Date.now() - 370 * day).toISOString());
    const old = await buildTicket(s.api, { subject: 'A ticket from last year', priority: 'low' });
    s.clock.set(new Date().toISOString());
    const year = String(new Date(old.createdAt).getFullYear());

    const page = await openSignedIn(browser, s);
    await page.goto(`${s.url}/tickets/${old.id}`);
    await page.getByRole('heading', { name: 'A ticket from last year' }).waitFor();
    await expect.poll(() => page.locator('.ticket-meta').textContent()).toContain(year);
    const sla = page.getByRole('region', { name: 'SLA' });
    await expect.poll(() => sla.textContent()).toContain('Overdue');
    expect(await sla.textContent()).not.toContain('Due in');

    await page.getByRole('link', { name: 'Inbox Esc' }).click();
    await expect.poll(() => row(page, old.id).locator('.row-sla').textContent()).toContain('Overdue');
    await page.close();
  }, 60_000);
});

describe('narrow windows', () => {
  it('keeps subject and assignee readable at 800 px and opens the ticket details as a panel', async () => {
    const maya = await buildUser(s.api, { name: 'Maya Chen' });
    const ticket = await buildTicket(s.api, { subject: 'Readable at eight hundred pixels', assignedTo: maya.id });
    const page = await openSignedIn(browser, s, { width: 800, height: 900 });
    const r = row(page, ticket.id);
    await r.waitFor();
    const subject = await r.locator('.row-subject').boundingBox();
    const assignee = await r.locator('.row-assignee-name').boundingBox();
    expect(subject && assignee).toBeTruthy();
    expect(subject!.width).toBeGreaterThan(150);
    expect(assignee!.x + assignee!.width).toBeLessThanOrEqual(800);
    // The two do not sit on top of each other.
    const overlap = !(subject!.x + subject!.width <= assignee!.x || assignee!.x + assignee!.width <= subject!.x || subject!.y + subject!.height <= assignee!.y || assignee!.y + assignee!.height <= subject!.y);
    expect(overlap).toBe(false);
    expect(await r.locator('.row-assignee-name').textContent()).toBe('Maya Chen');

    await r.click();
    await page.getByRole('heading', { name: 'Readable at eight hundred pixels' }).waitFor();
    const toggle = page.getByRole('button', { name: /Details/ });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await toggle.click();
    const details = page.getByRole('complementary', { name: 'Ticket details' });
    await details.getByLabel('Assignee').waitFor({ state: 'visible' });
    expect(await details.getByLabel('Assignee').locator('option:checked').textContent()).toBe('Maya Chen');
    await page.close();
  }, 60_000);

  it('lets an agent read and reply on a 390 px phone', async () => {
    const ticket = await buildTicket(s.api, { subject: 'From the office Wi-Fi' });
    const page = await openSignedIn(browser, s, { width: 390, height: 844 });
    await page.goto(`${s.url}/tickets/${ticket.id}`);
    await page.getByRole('heading', { name: 'From the office Wi-Fi' }).waitFor();
    const box = await page.getByRole('textbox', { name: 'Reply to customer' }).boundingBox();
    expect(box!.width).toBeGreaterThan(300);
    const scrollWidth = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(scrollWidth).toBeLessThanOrEqual(390);
    await page.close();
  }, 60_000);
});

describe('creating in the UI', () => {
  it('creates a ticket for a new walk-in contact, and opens it', async () => {
    const page = await openSignedIn(browser, s);
    await page.getByRole('button', { name: 'New ticket' }).click();
    const form = page.getByRole('dialog', { name: 'New ticket' });
    await form.getByLabel('Contact email').fill('walkin@example.com');
    await form.getByLabel('Contact name').fill('Wally Walkin');
    await form.getByLabel('Subject').fill('Printer jammed at the front desk');
    await form.getByLabel('First message').fill('Came to the desk: the printer jams on every page.');
    await form.getByLabel('Priority').selectOption('high');
    await form.getByLabel('Tags').fill('walk-in, printer');
    await form.getByRole('button', { name: 'Create ticket' }).click();
    await page.waitForURL(/\/tickets\/tkt_[0-9A-Za-z]+$/);
    const id = new URL(page.url()).pathname.split('/').pop() ?? '';
    const ticket = (await s.api.get<{ subject: string; priority: string; tags: string[]; contactId: string }>(`/tickets/${id}`)).body.data;
    expect(ticket).toMatchObject({ subject: 'Printer jammed at the front desk', priority: 'high', tags: ['printer', 'walk-in'] });
    const contact = (await s.api.get<{ name: string; email: string }>(`/contacts/${ticket.contactId}`)).body.data;
    expect(contact).toMatchObject({ name: 'Wally Walkin', email: 'walkin@example.com' });
    await page.getByRole('heading', { name: 'Printer jammed at the front desk' }).waitFor();
    await page.close();
  }, 60_000);

  it('creates a contact, then edits it', async () => {
    const page = await openSignedIn(browser, s);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Contacts' }).click();
    await page.getByRole('button', { name: 'New contact' }).click();
    const form = page.getByRole('dialog', { name: 'New contact' });
    await form.getByLabel('Email').fill('phone.caller@example.com');
    await form.getByLabel('Name').fill('Phoebe Caller');
    await form.getByLabel('Company').fill('Callers Inc');
    await form.getByRole('button', { name: 'Create contact' }).click();
    await page.waitForURL(/\/contacts\/ctc_/);
    await page.getByRole('button', { name: 'Edit Company: Callers Inc' }).click();
    await page.getByRole('textbox', { name: 'Company' }).fill('Callers Ltd');
    await page.getByRole('textbox', { name: 'Company' }).press('Enter');
    const id = new URL(page.url()).pathname.split('/').pop() ?? '';
    await expect.poll(async () => (await s.api.get<{ company: string }>(`/contacts/${id}`)).body.data.company).toBe('Callers Ltd');
    await page.close();
  }, 60_000);
});

describe('views', () => {
  it('j then Enter after clicking a view opens the ticket, not the view again', async () => {
    const ticket = await buildTicket(s.api, { subject: 'Opened from a view' });
    const page = await openSignedIn(browser, s);
    await page.getByRole('navigation', { name: 'Saved views' }).getByRole('button', { name: /Unassigned/ }).click();
    await row(page, ticket.id).waitFor();
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/tickets\/tkt_/);
    await page.close();
  }, 60_000);

  it('lists exactly the breached tickets under SLA breaching, and counts them', async () => {
    s.clock.set(new Date(Date.now() - 2 * day).toISOString());
    const late1 = await buildTicket(s.api, { subject: 'Breached one', priority: 'urgent' });
    const late2 = await buildTicket(s.api, { subject: 'Breached two', priority: 'urgent' });
    const answered = await buildTicket(s.api, { subject: 'Answered and resolved', priority: 'urgent' });
    await s.api.patch(`/tickets/${answered.id}`, { status: 'resolved' });
    s.clock.set(new Date().toISOString());
    await buildTicket(s.api, { subject: 'Fresh and on track', priority: 'low' });
    const breached = (await s.api.get<{ id: string }[]>('/tickets?status=open,pending&limit=100')).body.data;
    const expected = [];
    for (const t of breached) {
      const full = (await s.api.get<{ id: string; sla: { breached: boolean } }>(`/tickets/${t.id}`)).body.data;
      if (full.sla.breached) expected.push(full.id);
    }
    expect(expected).toEqual(expect.arrayContaining([late1.id, late2.id]));

    const page = await openSignedIn(browser, s);
    const view = page.getByRole('navigation', { name: 'Saved views' }).getByRole('button', { name: /SLA breaching/ });
    await expect.poll(() => view.textContent()).toMatch(new RegExp(`SLA breaching\\s*${expected.length}$`));
    await view.click();
    await expect
      .poll(async () => (await page.locator('.ticket-row[data-ticket-id]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-ticket-id')))).sort())
      .toEqual([...expected].sort());
    await page.close();
  }, 60_000);

  it('saves the current filters as a named view, kept on the server for this user', async () => {
    await buildTicket(s.api, { subject: 'Urgent for the saved view', priority: 'urgent' });
    const page = await openSignedIn(browser, s);
    await page.getByLabel('Priority').selectOption('urgent');
    await page.getByRole('button', { name: 'Save view' }).click();
    const dialog = page.getByRole('dialog', { name: 'Save view' });
    await dialog.getByLabel('Name').fill('Fires');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('navigation', { name: 'Saved views' }).getByRole('button', { name: /^Fires/ }).waitFor();
    const views = (await s.api.get<{ name: string; filters: { priority?: string[] } }[]>('/views')).body.data;
    expect(views).toContainEqual(expect.objectContaining({ name: 'Fires', filters: expect.objectContaining({ priority: ['urgent'] }) }));

    // Another browser of the same user sees it.
    const other = await openSignedIn(browser, s);
    await other.getByRole('navigation', { name: 'Saved views' }).getByRole('button', { name: /^Fires/ }).click();
    await expect.poll(() => other.getByLabel('Priority').inputValue()).toBe('urgent');
    await other.close();
    await page.close();
  }, 60_000);
});

describe('permissions', () => {
  it('offers a read-only key no Resolve and no Reply, and says why', async () => {
    const ticket = await buildTicket(s.api, { subject: 'Read but do not touch' });
    const readOnly = await buildKey(s.api, ['tickets:read', 'conversations:read', 'contacts:read', 'analytics:read']);
    const page = await openSignedIn(browser, s, { key: readOnly.key });
    await page.goto(`${s.url}/tickets/${ticket.id}`);
    await page.getByRole('heading', { name: 'Read but do not touch' }).waitFor();
    expect(await page.getByRole('button', { name: /Resolve/ }).count()).toBe(0);
    expect(await page.getByRole('textbox', { name: 'Reply to customer' }).count()).toBe(0);
    expect(await page.getByRole('region', { name: 'Composer' }).textContent()).toContain('tickets:write');
    expect(await page.getByLabel('Status').isDisabled()).toBe(true);
    await page.keyboard.press('e');
    await page.waitForTimeout(300);
    expect((await s.api.get<{ status: string }>(`/tickets/${ticket.id}`)).body.data.status).toBe('open');
    await page.close();
  }, 60_000);
});
