// Team sync, part 1 (issue 17): an admin pairs another install from Settings → LAN access, sees
// it listed, and revokes it.
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, signIn, startLiveUiServer } from '../helpers/browser.ts';
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

describe('settings: LAN access → team sync devices', () => {
  it('shows a pairing code with its countdown and command; a paired device is listed and can be revoked', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await signIn(page, s);
    await page.goto(`${s.url}/settings/lan`);
    await page.getByText('No paired devices').waitFor();

    await page.getByRole('button', { name: 'Pair a device' }).click();
    const card = page.getByRole('region', { name: 'Pairing code' });
    await card.waitFor();
    const code = (await card.getByLabel('Code').textContent()) ?? '';
    expect(code).toMatch(/^[A-HJKMNP-Z2-9]{4}-[A-HJKMNP-Z2-9]{4}$/);
    expect(await card.textContent()).toContain(`localdesk serve --join ${s.url} --pair ${code}`);
    await expect.poll(() => card.textContent()).toMatch(/valid for (10:00|9:[0-5]\d) more/);
    await screenshot(page, 'settings-lan-pairing-code');

    // The other install trades the code over the API.
    const paired = await s.api.post<{ device: { id: string }; key: string }>('/sync/pair', { code, name: 'Ada’s laptop' }, { key: null });
    expect(paired.status).toBe(201);
    await page.reload();
    const row = page.getByRole('row', { name: /Ada’s laptop/ });
    await row.waitFor();
    expect(await row.textContent()).toContain('Admin');
    expect(await row.textContent()).toContain('Never');
    await screenshot(page, 'settings-lan-devices');

    await row.getByRole('button', { name: 'Revoke Ada’s laptop' }).click();
    const confirm = page.getByRole('dialog', { name: /Revoke “Ada’s laptop”/ });
    await confirm.getByRole('button', { name: 'Revoke device' }).click();
    await row.waitFor({ state: 'detached' });
    await page.getByText('No paired devices').waitFor();
    expect((await s.api.get('/tickets', { key: paired.body.data.key })).status).toBe(401);
    await page.close();
  }, 60_000);
});
