// The inbox in a real Chromium against a real server: live updates, keyboard triage, bulk
// actions. The UI must be built first (npx vite build).
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, signIn, startUiServer } from '../helpers/browser.ts';
import { buildTicket, buildUser } from '../helpers/factories.ts';
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
});
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

const subjects = [
  'Refund for a duplicate charge on my card',
  'Can’t log in after resetting my password',
  'Invoice PDF shows the wrong VAT number',
  'Webhook deliveries failing with 502',
  'Feature request: dark mode for the mobile app',
  'CSV export times out for large date ranges',
  '2FA code never arrives by SMS',
  'Order #48213 arrived damaged',
  'How do I add a teammate to our workspace?',
  'API rate limit too low for our nightly sync',
  'Shipping to Norway: who pays customs fees?',
  'App crashes when opening PDF attachments',
  'Please cancel my subscription',
  'SSO with Okta fails with “invalid audience”',
  'Reports show times in the wrong time zone',
  'Bulk import stuck at 99%',
  'Upgrade to the annual plan mid-cycle',
  'Notification emails land in spam',
  'Uploads over 10 MB fail silently',
  'Data deletion request (GDPR art. 17)',
  'Dashboard charts never finish loading',
  'Change the billing address on invoices',
  'Password reset link has expired',
  'Slack integration stopped posting',
  'Discount code SPRING25 not applied',
  'Search finds nothing for an exact title',
  'Mobile app keeps logging me out',
  'Receipt missing for March',
  'Can we add custom fields to tickets?',
  'Everything is very slow since this morning',
];
const people = ['ada.lovelace@northwind.io', 'grace@hopper.dev', 'linus@kernel.example', 'maria.garcia@acme.com', 'kenji.sato@tanuki.jp', 'olivia.brown@globex.com'];
const tagSets = [['billing', 'refund'], ['login'], ['billing'], ['api', 'bug'], ['feature'], ['bug'], ['login', 'vip'], ['shipping'], [], ['api', 'vip'], ['shipping'], ['bug', 'mobile'], ['billing'], ['login', 'sso'], ['bug'], ['bug'], ['billing', 'vip'], ['email'], ['bug'], ['privacy'], ['bug', 'vip'], ['billing'], ['login'], ['integrations'], ['billing'], ['search'], ['mobile'], ['billing'], ['feature'], ['outage', 'vip']];
const priorities = ['high', 'urgent', 'medium', 'urgent', 'low', 'medium', 'high', 'high', 'low', 'medium', 'low', 'high', 'medium', 'urgent', 'medium', 'high', 'low', 'medium', 'medium', 'high', 'high', 'low', 'medium', 'medium', 'low', 'medium', 'high', 'low', 'low', 'urgent'];

/** Thirty tickets spread over the last day: varied priorities, states, tags, assignees and SLA outcomes. */
async function seedVariedTickets(): Promise<void> {
  const agents = [meId];
  for (const name of ['Maya Chen', 'Leo Martins', 'Priya Shah']) agents.push((await buildUser(s.api, { name })).id);
  s.clock.set('2026-03-01T09:30:00.000Z');
  for (let i = 0; i < subjects.length; i++) {
    s.clock.advanceMinutes(47);
    const assignedTo = i % 5 === 4 ? null : agents[i % agents.length];
    const created = await buildTicket(s.api, {
      subject: subjects[i],
      description: `Hello, ${subjects[i]?.toLowerCase()}. Can you help?`,
      contactEmail: people[i % people.length],
      priority: priorities[i],
      assignedTo,
    });
    const tags = tagSets[i] ?? [];
    if (tags.length) await s.api.patch(`/tickets/${created.id}`, { tags });
    if (i % 3 === 0) await s.api.post(`/tickets/${created.id}/messages`, { body: 'Thanks, looking into it now.' });
    if (i % 7 === 2) await s.api.patch(`/tickets/${created.id}`, { status: 'resolved' });
    else if (i % 4 === 1) await s.api.patch(`/tickets/${created.id}`, { status: 'pending' });
    else if (i === 5) await s.api.patch(`/tickets/${created.id}`, { status: 'closed' });
  }
  s.clock.set('2026-03-02T09:00:00.000Z');
}

async function openInbox(): Promise<void> {
  await page.goto(`${s.url}/inbox`);
  await page.locator('.ticket-row.active').waitFor();
}

const options = () => page.getByRole('listbox', { name: 'Tickets' }).getByRole('option');
const activeId = () => page.locator('.ticket-row.active').getAttribute('data-ticket-id');
const row = (id: string) => page.locator(`.ticket-row[data-ticket-id="${id}"]`);

async function ticketOf(id: string) {
  return (await s.api.get<{ status: string; assignedTo: string | null; priority: string; tags: string[] }>(`/tickets/${id}`)).body.data;
}

describe('inbox', () => {
  it('lists tickets with their details and counts each saved view', async () => {
    await seedVariedTickets();
    await signIn(page, s);
    await page.locator('.ticket-row.active').waitFor();
    await expect.poll(() => options().count()).toBeGreaterThan(15);
    const nav = page.getByRole('navigation', { name: 'Saved views' });
    await expect.poll(() => nav.getByRole('button', { name: /All tickets/ }).textContent()).toContain('30');
    await expect.poll(() => nav.getByRole('button', { name: /Urgent/ }).textContent()).toMatch(/Urgent\s*\d/);
    const first = options().first();
    expect(await first.textContent()).toContain('Everything is very slow since this morning');
    await page.waitForTimeout(300);
    await screenshot(page, 'inbox');
  });

  it('shows a ticket created by another client without a reload', async () => {
    await openInbox();
    // A marker on the window survives only if the page is never reloaded.
    await page.evaluate(() => Object.assign(window, { notReloaded: true }));
    const created = await buildTicket(s.api, { subject: 'Arrived over the live stream', priority: 'urgent' });
    await row(created.id).waitFor({ timeout: 10_000 });
    expect(await page.evaluate(() => 'notReloaded' in window)).toBe(true);
    expect(await row(created.id).textContent()).toContain('Arrived over the live stream');
  });

  it('filters by search, status chips and saved views, with an empty state', async () => {
    await openInbox();
    await page.keyboard.press('/');
    await page.keyboard.type('Okta');
    await expect.poll(() => options().count(), { timeout: 5000 }).toBe(1);
    await page.getByLabel('Search tickets').fill('no such words anywhere');
    await page.getByText('No tickets match these filters').waitFor();
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByRole('navigation', { name: 'Saved views' }).getByRole('button', { name: /Unassigned/ }).click();
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Unassigned');
    const assignees = () => page.locator('.ticket-row[data-ticket-id] .row-assignee').allTextContents();
    await expect.poll(async () => (await assignees()).length).toBeGreaterThan(0);
    await expect.poll(async () => (await assignees()).every((text) => text.includes('Unassigned'))).toBe(true);
    await page.getByRole('navigation', { name: 'Saved views' }).getByRole('button', { name: /All tickets/ }).click();
  });

  it('triages with the keyboard: j/k move, e resolves, a assigns to me', async () => {
    const a = await buildTicket(s.api, { subject: 'Triage A' });
    const b = await buildTicket(s.api, { subject: 'Triage B' });
    const c = await buildTicket(s.api, { subject: 'Triage C' });
    await openInbox();
    await row(c.id).waitFor();
    expect(await activeId()).toBe(c.id);
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    await page.keyboard.press('k');
    expect(await activeId()).toBe(b.id);
    expect(await page.getByRole('listbox', { name: 'Tickets' }).getAttribute('aria-activedescendant')).toBe('ticket-row-1');

    await page.keyboard.press('e');
    await expect.poll(async () => (await ticketOf(b.id)).status).toBe('resolved');
    await expect.poll(() => row(b.id).locator('.status-pill').textContent()).toBe('resolved');

    await page.keyboard.press('j');
    expect(await activeId()).toBe(a.id);
    await page.keyboard.press('a');
    await expect.poll(async () => (await ticketOf(a.id)).assignedTo).toBe(meId);
    await expect.poll(() => row(a.id).locator('.row-assignee').textContent()).toContain('Administrator');
  });

  it('x ticks tickets and the bulk bar resolves them all at once', async () => {
    const d = await buildTicket(s.api, { subject: 'Bulk D' });
    const e = await buildTicket(s.api, { subject: 'Bulk E' });
    const f = await buildTicket(s.api, { subject: 'Bulk F' });
    await openInbox();
    await row(f.id).waitFor();
    await page.keyboard.press('x');
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    const bar = page.getByRole('toolbar', { name: 'Bulk actions' });
    await expect.poll(() => bar.textContent()).toContain('2 selected');
    expect(await row(f.id).getAttribute('aria-selected')).toBe('true');
    await bar.getByRole('button', { name: /Resolve/ }).click();
    await expect.poll(async () => [(await ticketOf(e.id)).status, (await ticketOf(f.id)).status]).toEqual(['resolved', 'resolved']);
    expect((await ticketOf(d.id)).status).toBe('open');
    await expect.poll(() => bar.count()).toBe(0);
    await page.getByText('Resolved 2 tickets').waitFor();
  });

  it('bulk-assigns with a and tags through the bulk bar', async () => {
    const g = await buildTicket(s.api, { subject: 'Bulk G' });
    const h = await buildTicket(s.api, { subject: 'Bulk H' });
    await openInbox();
    await row(h.id).waitFor();
    await page.keyboard.press('x');
    await page.keyboard.press('j');
    await page.keyboard.press('x');
    const bar = page.getByRole('toolbar', { name: 'Bulk actions' });
    await bar.getByLabel('Add tag to selected').fill('escalated');
    await bar.getByLabel('Add tag to selected').press('Enter');
    await expect.poll(async () => (await ticketOf(g.id)).tags).toContain('escalated');
    expect((await ticketOf(h.id)).tags).toContain('escalated');
    // A finished bulk action clears the selection: wait for the UI to get there before the
    // next keys (the API can show the change before the UI has processed its response).
    await page.locator('.bulk-bar').waitFor({ state: 'hidden' });
    await page.keyboard.press('x');
    await page.keyboard.press('k');
    await page.keyboard.press('x');
    await page.locator('.bulk-bar').waitFor();
    await page.locator('body').press('a');
    await expect.poll(async () => [(await ticketOf(g.id)).assignedTo, (await ticketOf(h.id)).assignedTo]).toEqual([meId, meId]);
  });

  it('opens the command palette with Ctrl+K and jumps to a saved view', async () => {
    await openInbox();
    await page.keyboard.press('Control+k');
    const palette = page.getByRole('dialog', { name: 'Command palette' });
    await palette.waitFor();
    await page.keyboard.type('urgent');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Urgent');
    expect(await palette.count()).toBe(0);
    await page.keyboard.press('?');
    await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    await page.keyboard.press('Escape');
    await page.keyboard.press('g');
    await page.keyboard.press('d');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/dashboard');
    await page.keyboard.press('g');
    await page.keyboard.press('i');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/inbox');
  });
});
