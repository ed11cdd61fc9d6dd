// Team sync in the browser: an agent works on a replica (their desktop's own copy) while the
// cable is cut, sees "Offline · N pending", then, back online, sees their priority change was
// overtaken by a teammate's on the host, said in the ticket's activity.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser, rendererDir, screenshot, startLiveUiServer } from '../helpers/browser.ts';
import { TestClock } from '../helpers/clock.ts';
import { buildTicket, buildUser } from '../helpers/factories.ts';
import { type TestReplica, startReplica, waitInSync } from '../helpers/replica.ts';
import type { TestServer } from '../helpers/server.ts';
import { type TcpProxy, startTcpProxy } from '../helpers/tcpProxy.ts';

let host: TestServer;
let proxy: TcpProxy;
let replica: TestReplica;
let browser: Browser;
beforeAll(async () => {
  host = await startLiveUiServer();
  proxy = await startTcpProxy(host.port);
  replica = await startReplica(host, proxy.url, undefined, { rendererDir, clock: new TestClock(new Date()) });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await replica?.close();
  await proxy?.close();
  await host?.close();
});

it('works offline on the replica and shows what the host decided when back', async () => {
  const ada = await buildUser(host.api, { name: 'Ada', role: 'agent' });
  const adaKey = (await host.api.post<{ key: string }>('/api-keys', { name: 'ada', scopes: ['tickets:read', 'tickets:write'], userId: ada.id })).body.data.key;
  const ticket = await buildTicket(host.api, { subject: 'Invoice shows the wrong VAT', priority: 'medium' });
  await waitInSync(host, replica);

  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await page.goto(`${replica.url}/inbox`);
  await page.getByRole('button', { name: 'Use an API key instead' }).click();
  await page.getByLabel('API key').fill(host.adminKey);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
  const pill = page.locator('.sync-pill');
  await expect.poll(() => pill.textContent(), { timeout: 15_000 }).toBe('Online');

  await page.goto(`${replica.url}/tickets/${ticket.id}`);
  await page.getByRole('textbox', { name: 'Reply to customer' }).waitFor();
  proxy.cut();
  // Typed where single-key shortcuts also listen: every character lands in the reply.
  await page.getByRole('textbox', { name: 'Reply to customer' }).pressSequentially('jk? we are on it');
  await page.getByRole('button', { name: /Send reply/ }).click();
  await page.getByLabel('Priority').selectOption('high');
  await expect.poll(() => pill.textContent(), { timeout: 15_000 }).toBe('Offline · 2 pending');
  await screenshot(page, 'sync-replica-offline');
  // Meanwhile on the host, Ada raises the same ticket to urgent.
  expect((await host.api.patch(`/tickets/${ticket.id}`, { priority: 'urgent' }, { key: adaKey })).status).toBe(200);

  proxy.restore();
  await expect.poll(() => pill.textContent(), { timeout: 20_000 }).toBe('Online');
  await page.getByText('Your change of priority to high was overtaken by Ada’s urgent').waitFor({ timeout: 15_000 });
  await expect.poll(() => page.getByLabel('Priority').inputValue()).toBe('urgent');
  const replies = (await host.api.get<{ body: string }[]>(`/tickets/${ticket.id}/messages`)).body.data.map((m) => m.body);
  expect(replies.filter((b) => b === 'jk? we are on it')).toHaveLength(1);
  await screenshot(page, 'sync-replica-overtaken');
  await page.close();

  const dark = await browser.newPage({ viewport: { width: 800, height: 900 }, colorScheme: 'dark' });
  await dark.goto(`${replica.url}/tickets/${ticket.id}`);
  await dark.getByRole('button', { name: 'Use an API key instead' }).click();
  await dark.getByLabel('API key').fill(host.adminKey);
  await dark.getByRole('button', { name: 'Sign in' }).click();
  await dark.getByText('Your change of priority to high was overtaken by Ada’s urgent').waitFor({ timeout: 15_000 });
  await screenshot(dark, 'sync-replica-overtaken-800-dark');
  await dark.close();
}, 120_000);
