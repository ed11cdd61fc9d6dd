// Settings → Import in Chromium: a CSV with its column mapping (a dry run, then the real one),
// and a Zendesk account through its API, with a progress bar until the counts are in.
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateZendesk } from '../fixtures/import/generate.ts';
import { launchBrowser, screenshot, signIn, startUiServer } from '../helpers/browser.ts';
import { type ReplayServer, startReplayServer } from '../helpers/importReplay.ts';
import type { TestServer } from '../helpers/server.ts';

const fixtures = join(import.meta.dirname, '../fixtures/import/csv');
const auth = { email: 'admin@acme.example', token: 'zd-secret-token-123' };
let s: TestServer;
let browser: Browser;
let replay: ReplayServer;
beforeAll(async () => {
  s = await startUiServer();
  browser = await launchBrowser();
  // A 429 with Retry-After: 2 half-way, so the progress is there to be seen.
  replay = await startReplayServer({ source: 'zendesk', dataset: generateZendesk(1), auth, rateLimit: { after: 150, retryAfterSeconds: 2 } });
});
afterAll(async () => {
  await replay?.stop();
  await browser?.close();
  await s?.close();
});

async function openImport(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 1000 } });
  await signIn(page, s);
  await page.goto(`${s.url}/settings/import`);
  await page.getByRole('heading', { name: 'Import', exact: true }).waitFor();
  return page;
}

const total = async (path: string) => ((await s.api.get(path)).body.meta?.total ?? -1);

describe('settings: import', () => {
  it('imports a CSV file: upload, columns guessed, a dry run, then the real run', async () => {
    const page = await openImport();
    await page.getByRole('radio', { name: 'CSV file' }).click();
    await page.getByLabel('CSV file').setInputFiles(join(fixtures, 'tickets.csv'));
    await expect.poll(() => page.getByLabel('Subject', { exact: true }).inputValue()).toBe('Summary');
    expect(await page.getByLabel('Requester e-mail').inputValue()).toBe('Reporter Email');
    await page.getByLabel('Date format').fill('DD.MM.YYYY HH:mm');
    await page.getByLabel('Time zone of the dates').fill('+01:00');
    await page.getByLabel('Other status words').fill("Waiting for customer = pending; Escalated = open; Won't Fix = closed");
    await page.getByLabel('Other priority words').fill('Highest = urgent');
    await page.getByRole('button', { name: 'Start dry run' }).click();

    const dry = page.getByRole('listitem', { name: /CSV file import \(dry run\) succeeded/ });
    await dry.waitFor({ timeout: 20_000 });
    expect(await dry.getByRole('row', { name: /^tickets/ }).textContent()).toMatch(/tickets\s*10\s*0/);
    expect(await total('/tickets?limit=1')).toBe(0);

    await page.getByLabel('Dry run: report what would happen, change nothing').uncheck();
    await page.getByRole('button', { name: 'Start import' }).click();
    await page.getByRole('listitem', { name: /^CSV file import succeeded/ }).waitFor({ timeout: 20_000 });
    await screenshot(page, 'settings-import-csv');
    expect(await total('/tickets?limit=1')).toBe(10);
    expect(await total('/tickets?externalId=csv:SUP-101')).toBe(1);
    await page.close();
  }, 60_000);

  it('imports from Zendesk with a progress bar, and never shows the token again', async () => {
    const page = await openImport();
    await page.getByRole('radio', { name: 'Zendesk' }).click();
    await page.getByLabel('Account address').fill(replay.url);
    await page.getByLabel('Agent e-mail').fill(auth.email);
    await page.getByLabel('API token').fill(auth.token);
    await page.getByLabel('Dry run: report what would happen, change nothing').uncheck();
    await page.getByRole('button', { name: 'Start import' }).click();

    const running = page.getByRole('listitem', { name: /Zendesk import running/ });
    await running.getByRole('progressbar', { name: 'Tickets imported' }).waitFor({ timeout: 20_000 });
    await screenshot(page, 'settings-import-progress');
    const done = page.getByRole('listitem', { name: /Zendesk import succeeded/ });
    await done.waitFor({ timeout: 60_000 });
    expect(await done.getByRole('row', { name: /^tickets/ }).textContent()).toMatch(/tickets\s*339/);
    expect(await page.getByLabel('API token').inputValue()).toBe('');
    const values = await page.$$eval('input, textarea', (els) => els.map((e) => (e as HTMLInputElement).value));
    expect((await page.content()) + values.join('\n')).not.toContain(auth.token);
    await page.close();
  }, 90_000);

  it('shows what the server refuses next to the field', async () => {
    const page = await openImport();
    await page.getByRole('radio', { name: 'Freshdesk' }).click();
    await page.getByLabel('Account address').fill('not a url');
    await page.getByLabel('API key').fill('k');
    await page.getByRole('button', { name: 'Start dry run' }).click();
    await expect.poll(() => page.locator('#im-url-error').textContent()).toMatch(/http/);
    await page.close();
  });
});
