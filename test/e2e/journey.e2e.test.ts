// One signed-in session that walks every page by clicking, the way an agent does all day, in
// both orders: a page that caches data under the same key as another page with another shape
// only breaks when both are visited in one session. Every page is also checked with axe-core
// (light on the way there, dark on the way back). Needs the built UI.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AxeViolation, launchBrowser, openSignedIn, seriousA11yViolations, startLiveUiServer } from '../helpers/browser.ts';
import { buildTicket, buildUser } from '../helpers/factories.ts';
import type { TestServer } from '../helpers/server.ts';

let s: TestServer;
let browser: Browser;

const settingsSections = [
  ['API keys', 'API keys'],
  ['Users', 'Users'],
  ['Projects', 'Projects'],
  ['Tags', 'Tags'],
  ['Macros', 'Macros'],
  ['SLA policies', 'SLA policies'],
  ['Workflows', 'Workflows'],
  ['Webhooks', 'Webhooks'],
  ['LAN access', 'LAN access'],
  ['Preferences', 'Preferences'],
] as const;

beforeAll(async () => {
  s = await startLiveUiServer();
  browser = await launchBrowser();
  const maya = await buildUser(s.api, { name: 'Maya Chen' });
  await s.api.post('/contacts', { email: 'ada@acme.example', name: 'Ada Lovelace', company: 'Acme' });
  await buildTicket(s.api, { subject: 'Invoices show the wrong VAT number', contactEmail: 'ada@acme.example', assignedTo: maya.id, priority: 'high' });
  await s.api.post('/conversations', { channel: 'chat', participantEmail: 'ken@initech.example', subject: 'Two-factor codes never arrive', body: 'No SMS arrives.' });
  await s.api.post('/macros', { name: 'Thanks', body: 'Thanks {{contact.name}}!', actions: {} });
  await s.api.post('/projects', { name: 'Billing' });
});
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

type Step = { name: string; go: (page: Page) => Promise<void>; expect: (page: Page) => Promise<void> };

const mainNav = (page: Page, label: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label, exact: true }).click();
const heading = (page: Page, name: string, level = 1) => page.getByRole('heading', { name, level }).waitFor();

const steps: Record<string, Step> = {
  inbox: {
    name: 'inbox',
    go: (page) => mainNav(page, 'Inbox'),
    expect: async (page) => {
      const row = page.locator('.ticket-row', { hasText: 'Invoices show the wrong VAT number' });
      await row.waitFor();
      // Assignee names come from the users list, which other pages load too.
      await expect.poll(() => row.locator('.row-assignee').textContent()).toContain('Maya Chen');
    },
  },
  ticket: {
    name: 'ticket',
    go: (page) => page.locator('.ticket-row', { hasText: 'Invoices show the wrong VAT number' }).click(),
    expect: async (page) => {
      await heading(page, 'Invoices show the wrong VAT number');
      await expect.poll(() => page.getByLabel('Assignee').locator('option:checked').textContent()).toBe('Maya Chen');
    },
  },
  conversations: { name: 'conversations', go: (page) => mainNav(page, 'Conversations'), expect: (page) => heading(page, 'Conversations') },
  conversation: {
    name: 'a conversation',
    go: (page) => page.getByRole('list', { name: 'Conversations' }).getByRole('link', { name: /Two-factor codes/ }).click(),
    expect: (page) => heading(page, 'Two-factor codes never arrive', 2),
  },
  contacts: { name: 'contacts', go: (page) => mainNav(page, 'Contacts'), expect: (page) => heading(page, 'Contacts') },
  contact: {
    name: 'a contact',
    go: (page) => page.getByRole('link', { name: 'Ada Lovelace' }).click(),
    expect: (page) => page.getByRole('button', { name: 'Edit Name: Ada Lovelace' }).waitFor(),
  },
  dashboard: { name: 'dashboard', go: (page) => mainNav(page, 'Dashboard'), expect: (page) => heading(page, 'Dashboard') },
};

const settingsSteps: Step[] = settingsSections.map(([link, title], i) => ({
  name: `settings: ${title}`,
  go: async (page) => {
    if (i === 0 && !new URL(page.url()).pathname.startsWith('/settings')) await mainNav(page, 'Settings');
    await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: link }).click();
  },
  expect: (page) => heading(page, title, 2),
}));

async function walk(page: Page, order: Step[]): Promise<Record<string, AxeViolation[]>> {
  const violations: Record<string, AxeViolation[]> = {};
  for (const step of order) {
    await step.go(page);
    await step.expect(page);
    expect(await page.getByText('Something went wrong on this page').count(), `error boundary on ${step.name}`).toBe(0);
    const found = await seriousA11yViolations(page);
    if (found.length > 0) violations[step.name] = found;
  }
  return violations;
}

describe('a whole session, page after page', () => {
  it('visits every page in order without an error and without serious accessibility problems (light)', async () => {
    const page = await openSignedIn(browser, s, { colorScheme: 'light' });
    const order = [steps.inbox!, steps.ticket!, steps.conversations!, steps.conversation!, steps.contacts!, steps.contact!, steps.dashboard!, ...settingsSteps, steps.inbox!];
    expect(await walk(page, order)).toEqual({});
    await page.close();
  }, 120_000);

  it('visits every page in the opposite order (dark)', async () => {
    const page = await openSignedIn(browser, s, { colorScheme: 'dark' });
    await mainNav(page, 'Settings');
    const order = [...settingsSteps].reverse();
    order.push(steps.dashboard!, steps.contacts!, steps.contact!, steps.conversations!, steps.conversation!, steps.inbox!, steps.ticket!, steps.inbox!);
    expect(await walk(page, order)).toEqual({});
    await page.close();
  }, 120_000);
});
