import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, signIn, startUiServer } from '../helpers/browser.ts';
import { buildKey, buildTicket } from '../helpers/factories.ts';
import type { TestServer } from '../helpers/server.ts';

let s: TestServer;
let browser: Browser;
beforeAll(async () => {
  s = await startUiServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

async function openSettings(section: string, key = s.adminKey): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await signIn(page, s, key);
  await page.goto(`${s.url}/settings/${section}`);
  return page;
}

/** Every text and form value on the page, so a secret cannot hide in an input's value. */
async function everythingOn(page: Page): Promise<string> {
  const values = await page.$$eval('input, textarea', (els) => els.map((e) => (e as HTMLInputElement).value));
  return (await page.content()) + values.join('\n');
}

describe('settings: API keys', () => {
  it('creates a key and shows its secret exactly once', async () => {
    await buildKey(s.api, ['analytics:read', 'events:read'], { name: 'Grafana dashboard', rateLimitPerMinute: 600 });
    await buildKey(s.api, ['tickets:read', 'tickets:write', 'conversations:read', 'conversations:write', 'contacts:read'], { name: 'Ana’s laptop' });
    const page = await openSettings('api-keys');
    await page.getByRole('button', { name: 'New API key' }).click();
    const form = page.getByRole('dialog', { name: 'New API key' });
    await form.getByLabel('Name').fill('Zapier integration');
    await form.getByRole('checkbox', { name: 'tickets:write' }).check();
    await form.getByRole('button', { name: 'Create key' }).click();

    const shown = page.getByRole('dialog', { name: /is ready/ });
    const secret = await shown.getByLabel('API key').inputValue();
    expect(secret).toMatch(/^ldk_[0-9A-Za-z]{40}$/);
    await expect.poll(() => shown.textContent()).toContain('will not be shown again');
    await screenshot(page, 'settings-api-key-secret');
    await shown.getByRole('button', { name: /stored it safely/ }).click();
    await shown.waitFor({ state: 'detached' });

    const row = page.getByRole('row', { name: /Zapier integration/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('Tickets read/write');
    expect(await everythingOn(page)).not.toContain(secret);
    await page.reload();
    await page.getByRole('row', { name: /Zapier integration/ }).waitFor();
    expect(await everythingOn(page)).not.toContain(secret);
    await screenshot(page, 'settings-api-keys');

    // The new key works, with exactly the scopes chosen.
    const created = await s.api.post<{ id: string }>('/tickets', { subject: 'From Zapier', description: 'Hello', contactEmail: 'zap@example.com' }, { key: secret });
    expect(created.status).toBe(201);
    expect((await s.api.get('/contacts', { key: secret })).status).toBe(200);
    expect((await s.api.post('/users', { name: 'X', email: 'x@example.com' }, { key: secret })).status).toBe(403);
    await page.close();
  }, 60_000);

  it('shows the API’s field messages next to the fields', async () => {
    const page = await openSettings('api-keys');
    await page.getByRole('button', { name: 'New API key' }).click();
    const form = page.getByRole('dialog', { name: 'New API key' });
    await form.getByRole('button', { name: 'Create key' }).click();
    await expect.poll(() => form.locator('#key-name-error').textContent()).toBe('must not be empty');
    expect(await form.getByLabel('Name').getAttribute('aria-invalid')).toBe('true');
    await page.close();
  }, 60_000);

  it('keeps focus and keys inside a dialog: Tab wraps, shortcuts pause, Escape closes and focus returns', async () => {
    const page = await openSettings('api-keys');
    const opener = page.getByRole('button', { name: 'New API key' });
    await opener.click();
    const form = page.getByRole('dialog', { name: 'New API key' });
    const isFocused = (el: Element) => el === document.activeElement;
    await expect.poll(() => form.getByLabel('Name').evaluate(isFocused)).toBe(true);
    // Name is the first field; before it only the close button, after the last button Tab wraps.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    expect(await form.getByRole('button', { name: 'Create key' }).evaluate(isFocused)).toBe(true);
    await page.keyboard.press('Tab');
    expect(await form.getByRole('button', { name: 'Close' }).evaluate(isFocused)).toBe(true);

    // A click on plain text keeps focus in the dialog, so "g i" does not leave the page under it.
    await form.getByText('Give it only what it needs').click();
    await page.keyboard.press('g');
    await page.keyboard.press('i');
    expect(new URL(page.url()).pathname).toBe('/settings/api-keys');
    expect(await form.isVisible()).toBe(true);

    await page.keyboard.press('Escape');
    await form.waitFor({ state: 'detached' });
    await expect.poll(() => opener.evaluate(isFocused)).toBe(true);
    await page.close();
  }, 60_000);

  it('revokes a key after a confirmation', async () => {
    const key = await buildKey(s.api, ['tickets:read'], { name: 'Old laptop' });
    const page = await openSettings('api-keys');
    await page.getByRole('button', { name: 'Revoke Old laptop' }).click();
    await page.getByRole('dialog', { name: /Revoke/ }).getByRole('button', { name: 'Revoke key' }).click();
    await expect.poll(async () => (await s.api.get('/tickets', { key: key.key })).status).toBe(401);
    await page.close();
  }, 60_000);

  it('offers a key without the admin scope no admin actions, and says why', async () => {
    const agentKey = await buildKey(s.api, ['tickets:read', 'tickets:write']);
    const page = await openSettings('users', agentKey.key);
    const role = page.getByRole('combobox', { name: 'Role of Administrator' });
    await role.waitFor();
    expect(await role.isDisabled()).toBe(true);
    expect(await role.getAttribute('title')).toContain('admin');
    expect(await page.getByRole('button', { name: 'Add user' }).isDisabled()).toBe(true);
    await page.close();
  }, 60_000);
});

describe('settings: users, SLA and webhooks', () => {
  it('refuses to demote the last admin with the API’s 409 message, and rolls back', async () => {
    const page = await openSettings('users');
    await page.getByRole('combobox', { name: 'Role of Administrator' }).selectOption('agent');
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('last active admin');
    expect(await page.getByRole('combobox', { name: 'Role of Administrator' }).inputValue()).toBe('admin');
    await page.close();
  }, 60_000);

  it('edits an SLA target typed as a duration', async () => {
    const page = await openSettings('sla-policies');
    const field = page.getByLabel('high first response target');
    expect(await field.inputValue()).toBe('4 h');
    await field.fill('2h 30m');
    await page.getByRole('row', { name: /high/ }).getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(async () => (await s.api.get<{ priority: string; firstResponseMinutes: number }[]>('/sla-policies')).body.data.find((p) => p.priority === 'high')?.firstResponseMinutes)
      .toBe(150);
    await field.blur();
    expect(await field.inputValue()).toBe('2 h 30 m');
    await page.close();
  }, 60_000);

  it('creates a webhook, shows its secret once, and lists its deliveries', async () => {
    const received: string[] = [];
    const receiver: Server = createServer((req, res) => {
      received.push(String(req.headers['localdesk-event']));
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    try {
      const page = await openSettings('webhooks');
      await page.getByRole('button', { name: 'New webhook' }).click();
      const form = page.getByRole('dialog', { name: 'New webhook' });
      await form.getByLabel('Endpoint URL').fill(url);
      await form.getByRole('button', { name: 'Create webhook' }).click();
      const shown = page.getByRole('dialog', { name: 'Webhook created' });
      expect(await shown.getByLabel('Signing secret').inputValue()).toMatch(/^whsec_/);
      await shown.getByRole('button', { name: /stored it safely/ }).click();

      await buildTicket(s.api, { subject: 'Webhook me' });
      await expect.poll(() => received, { timeout: 10_000 }).toContain('ticket.created');
      await page.getByRole('button', { name: 'Deliveries' }).click();
      const log = page.getByRole('dialog', { name: 'Deliveries' });
      await expect.poll(() => log.textContent(), { timeout: 15_000 }).toContain('Delivered');
      await log.getByRole('button', { name: 'ticket.created' }).click();
      await expect.poll(() => log.textContent()).toContain('HTTP 204');
      await page.close();
    } finally {
      receiver.close();
    }
  }, 60_000);
});

describe('settings: form dialogs', () => {
  it('create a project and a user, and keep the dialog open with the API’s message on a conflict', async () => {
    const page = await openSettings('projects');
    const create = async (name: string, slug: string) => {
      await page.getByRole('button', { name: 'New project' }).click();
      const form = page.getByRole('dialog', { name: 'New project' });
      await form.getByLabel('Name').fill(name);
      await form.getByLabel('Slug').fill(slug);
      await form.getByRole('button', { name: 'Create project' }).click();
      return form;
    };
    const first = await create('Billing desk', 'billing-desk');
    await first.waitFor({ state: 'detached' });
    const projects = await s.api.get<{ name: string; slug: string }[]>('/projects');
    expect(projects.body.data).toContainEqual(expect.objectContaining({ name: 'Billing desk', slug: 'billing-desk' }));

    // Same slug: 409 from the API, shown in the dialog, which stays open and creates nothing.
    const second = await create('Billing again', 'billing-desk');
    await expect.poll(() => second.textContent()).toContain('already exists');
    expect(await second.isVisible()).toBe(true);
    const again = await s.api.get<{ slug: string }[]>('/projects');
    expect(again.body.data.filter((p) => p.slug === 'billing-desk')).toHaveLength(1);
    await second.getByRole('button', { name: 'Cancel' }).click();
    await second.waitFor({ state: 'detached' });

    await page.goto(`${s.url}/settings/users`);
    await page.getByRole('button', { name: 'Add user' }).click();
    const form = page.getByRole('dialog', { name: 'Add a user' });
    await form.getByLabel('Name').fill('Dana Scully');
    await form.getByLabel('Email').fill('dana@example.com');
    await form.getByRole('button', { name: 'Add user' }).click();
    await form.waitFor({ state: 'detached' });
    const users = await s.api.get<{ id: string; email: string }[]>('/users?limit=100');
    const dana = users.body.data.find((u) => u.email === 'dana@example.com');
    expect(dana).toBeTruthy();

    // The same flow offers Dana's key: Dana chosen, agent scopes ticked.
    const keyForm = page.getByRole('dialog', { name: 'API key for Dana Scully' });
    expect(await keyForm.getByLabel('For').inputValue()).toBe(dana!.id);
    expect(await keyForm.getByRole('checkbox', { name: 'tickets:write' }).isChecked()).toBe(true);
    expect(await keyForm.getByRole('checkbox', { name: 'admin' }).isChecked()).toBe(false);
    await keyForm.getByRole('button', { name: 'Create key' }).click();
    const secret = await page.getByRole('dialog', { name: /is ready/ }).getByLabel('API key').inputValue();
    const me = await s.api.get<{ id: string }>('/users/me', { key: secret });
    expect(me.body.data.id).toBe(dana!.id);
    await page.close();
  }, 60_000);
});

describe('settings: workflows', () => {
  it('creates a workflow with the API’s validation messages on its rows, then pauses it', async () => {
    const page = await openSettings('workflows');
    await page.getByRole('button', { name: 'New workflow' }).click();
    const form = page.getByRole('dialog', { name: 'New workflow' });
    await form.getByLabel('Name').fill('Tag urgent tickets');
    await form.getByLabel('Condition 1 value').fill('urgent');
    // An add_tag action with no tag: the API's message lands on that row.
    await form.getByRole('button', { name: 'Create workflow' }).click();
    await expect.poll(() => form.locator('.wf-row-error').count()).toBe(1);
    await form.getByLabel('Action 1 value').fill('escalated');
    await form.getByRole('button', { name: 'Create workflow' }).click();
    await form.waitFor({ state: 'detached' });
    const list = await s.api.get<{ id: string; name: string; conditions: unknown[]; actions: unknown[]; active: boolean }[]>('/workflows');
    const created = list.body.data.find((w) => w.name === 'Tag urgent tickets');
    expect(created).toMatchObject({ conditions: [{ field: 'ticket.priority', op: 'eq', value: 'urgent' }], actions: [{ type: 'add_tag', value: 'escalated' }], active: true });

    await buildTicket(s.api, { subject: 'Runs the workflow', priority: 'urgent' });
    await expect.poll(async () => (await s.api.get<{ runCount: number }>(`/workflows/${created!.id}`)).body.data.runCount, { timeout: 10_000 }).toBe(1);
    await page.locator('label.st-switch', { has: page.getByRole('switch', { name: 'Pause Tag urgent tickets' }) }).click();
    await expect.poll(async () => (await s.api.get<{ active: boolean }>(`/workflows/${created!.id}`)).body.data.active).toBe(false);
    await page.close();
  }, 60_000);
});
