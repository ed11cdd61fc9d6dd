// A real headless Chromium (Debian's package) driven by playwright-core, against the real
// server serving the built UI. `npx playwright install` cannot download browsers here.
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, type Page, chromium } from 'playwright-core';
import { TestClock } from './clock.ts';
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
  await page.getByRole('button', { name: 'Use an API key instead' }).click();
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

/**
 * A UI server whose clock starts at the real time, so the browser's clock (which the UI uses,
 * corrected by the server's Date header) and the server's SLA judgements agree.
 */
export function startLiveUiServer(): Promise<TestServer> {
  return startTestServer({ config: { rendererDir }, clock: new TestClock(new Date()) });
}

/** Opens a page at a viewport size (and colour scheme) and signs in. */
export async function openSignedIn(
  browser: Browser,
  server: TestServer,
  options: { width?: number; height?: number; colorScheme?: 'light' | 'dark'; key?: string } = {},
): Promise<Page> {
  const page = await browser.newPage({
    viewport: { width: options.width ?? 1440, height: options.height ?? 900 },
    colorScheme: options.colorScheme ?? 'light',
  });
  await signIn(page, server, options.key);
  return page;
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core in the page (injected through the DevTools protocol, so the page's CSP does not
 * apply) and returns the serious and critical violations, each with the elements it found.
 */
export async function seriousA11yViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(axeSource);
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
  });
}
