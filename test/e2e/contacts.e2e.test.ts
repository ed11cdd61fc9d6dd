import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, signIn, startUiServer } from '../helpers/browser.ts';
import { buildTicket } from '../helpers/factories.ts';
import type { TestServer } from '../helpers/server.ts';

interface Contact {
  id: string;
  name: string | null;
  email: string;
  company: string | null;
  healthTier: string;
}

let s: TestServer;
let browser: Browser;
const ids: Record<string, string> = {};
let urgentTicketId = '';

const daysAgo = (days: number) => new Date(s.clock.now().getTime() - days * 86_400_000).toISOString();

beforeAll(async () => {
  s = await startUiServer();
  browser = await launchBrowser();
  const people: [string, string, string, number][] = [
    ['Ada Lovelace', 'ada@acme.example', 'Acme', 2],
    ['Ken Thompson', 'ken@initech.example', 'Initech', 45],
    ['Grace Hopper', 'grace@globex.example', 'Globex', 120],
    ['Linus Torvalds', 'linus@initech.example', 'Initech', 1],
  ];
  for (const [name, email, company, seen] of people) {
    const res = await s.api.post<Contact>('/contacts', { name, email, company, lastSeenAt: daysAgo(seen) });
    expect(res.status).toBe(201);
    ids[name] = res.body.data.id;
  }
  // An urgent open ticket puts an otherwise active contact at risk.
  urgentTicketId = (await buildTicket(s.api, { contactEmail: 'linus@initech.example', priority: 'urgent', subject: 'Production is down' })).id;
});
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

async function openContacts(path = '/contacts'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await signIn(page, s);
  await page.goto(`${s.url}${path}`);
  return page;
}

const names = (page: Page) => page.locator('tbody a.ct-name').allTextContents();

describe('contacts', () => {
  it('agrees with the API on every contact’s health tier', async () => {
    const res = await s.api.get<Contact[]>('/contacts');
    const tiers = Object.fromEntries(res.body.data.map((c) => [c.name, c.healthTier]));
    expect(tiers).toEqual({ 'Ada Lovelace': 'healthy', 'Ken Thompson': 'at-risk', 'Grace Hopper': 'churned', 'Linus Torvalds': 'at-risk' });
  });

  it('filters by health tier, with coloured badges', async () => {
    const page = await openContacts();
    await expect.poll(async () => (await names(page)).sort()).toEqual(['Ada Lovelace', 'Grace Hopper', 'Ken Thompson', 'Linus Torvalds']);
    const health = page.getByRole('radiogroup', { name: 'Health' });

    await health.getByRole('radio', { name: 'At risk' }).click();
    await page.waitForURL(/tier=at-risk/);
    await expect.poll(async () => (await names(page)).sort()).toEqual(['Ken Thompson', 'Linus Torvalds']);
    expect(await page.locator('tbody .badge.ct-health').allTextContents()).toEqual(['At risk', 'At risk']);

    await health.getByRole('radio', { name: 'Churned' }).click();
    await expect.poll(() => names(page)).toEqual(['Grace Hopper']);
    await health.getByRole('radio', { name: 'Healthy' }).click();
    await expect.poll(() => names(page)).toEqual(['Ada Lovelace']);
    await page.reload();
    await expect.poll(() => names(page)).toEqual(['Ada Lovelace']);
    expect(await health.getByRole('radio', { name: 'Healthy' }).getAttribute('aria-checked')).toBe('true');
    await page.close();
  }, 60_000);

  it('searches name, email and company, and filters by company', async () => {
    const page = await openContacts();
    await page.getByLabel('Search contacts').fill('globex');
    await expect.poll(() => names(page)).toEqual(['Grace Hopper']);
    await page.getByLabel('Search contacts').fill('');
    await page.getByLabel('Company').fill('initech');
    await expect.poll(async () => (await names(page)).sort()).toEqual(['Ken Thompson', 'Linus Torvalds']);
    await page.close();
  }, 60_000);

  it('shows a contact’s card with tickets and edits fields inline', async () => {
    const page = await openContacts(`/contacts/${ids['Linus Torvalds']}`);
    await page.getByRole('button', { name: 'Edit Name: Linus Torvalds' }).waitFor();
    const card = page.getByRole('region', { name: 'Contact' });
    expect(await card.textContent()).toContain('At risk');
    expect(await page.getByRole('link', { name: 'Production is down' }).getAttribute('href')).toBe(`/tickets/${urgentTicketId}`);

    await page.getByRole('button', { name: 'Edit Company: Initech' }).click();
    await page.getByRole('textbox', { name: 'Company' }).fill('Initech Europe');
    await page.getByRole('textbox', { name: 'Company' }).press('Enter');
    await expect.poll(async () => (await s.api.get<Contact>(`/contacts/${ids['Linus Torvalds']}`)).body.data.company).toBe('Initech Europe');

    await page.getByRole('button', { name: /Edit Email/ }).click();
    await page.getByRole('textbox', { name: 'Email' }).fill('ken@initech.example');
    await page.getByRole('textbox', { name: 'Email' }).press('Enter');
    await expect.poll(() => card.getByRole('alert').textContent()).toContain('already exists');
    expect((await s.api.get<Contact>(`/contacts/${ids['Linus Torvalds']}`)).body.data.email).toBe('linus@initech.example');
    await page.close();
  }, 60_000);
});
