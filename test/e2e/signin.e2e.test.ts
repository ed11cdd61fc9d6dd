import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, signIn, startUiServer } from '../helpers/browser.ts';
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

describe('sign-in', () => {
  it('refuses a wrong key with the API message, then signs in with the right one', async () => {
    const page = await browser.newPage();
    await page.goto(`${s.url}/`);
    await page.getByRole('button', { name: 'Use an API key instead' }).click();
    await page.getByLabel('API key').fill(`ldk_${'x'.repeat(40)}`);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('invalid API key');
    await signIn(page, s);
    expect(await page.getByRole('navigation', { name: 'Main' }).isVisible()).toBe(true);
    await page.close();
  });

  it('returns to sign-in with a clear message when the key is revoked mid-session', async () => {
    const created = await s.api.post<{ id: string; key: string }>('/api-keys', { name: 'ui', scopes: ['admin'] });
    const page = await browser.newPage();
    await signIn(page, s, created.body.data.key);
    await s.api.delete(`/api-keys/${created.body.data.id}`);
    await page.reload();
    await expect.poll(() => page.getByRole('alert').textContent(), { timeout: 5000 }).toContain('revoked');
    await page.close();
  });

  it('serves the UI with a strict Content-Security-Policy and no inline scripts', async () => {
    const res = await fetch(`${s.url}/`);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await res.text()).not.toMatch(/<script>(?!<\/script>)/);
  });
});
