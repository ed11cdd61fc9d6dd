// A real headless Chromium (Debian's package) driven by playwright-core, against the real
// server serving the built UI. `npx playwright install` cannot download browsers here.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type Page, chromium } from 'playwright-core';
import { type TestServer, startTestServer } from './server.ts';

export const rendererDir = fileURLToPath(new URL('../../dist/renderer', import.meta.url));
export const screenshotDir = fileURLToPath(new URL('../../test-results/screenshots', import.meta.url));

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A server that also serves the built web UI (npm test builds it before the tests run). */
export function startUiServer(): Promise<TestServer> {
  return startTestServer({ config: { rendererDir } });
}

/** Opens the UI and signs in with the key through the sign-in screen. */
export async function signIn(page: Page, server: TestServer, key = server.adminKey): Promise<void> {
  await page.goto(`${server.url}/inbox`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path, fullPage: false });
  return path;
}
