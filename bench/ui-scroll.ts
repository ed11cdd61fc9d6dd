// UI scroll benchmark (not part of npm test): the built inbox in headless Chromium against the
// real server on a large data set. Measures the time to the first rows and, while the mouse
// wheel scrolls quickly through ~2,000 rows, long tasks (PerformanceObserver 'longtask') and
// frame times (requestAnimationFrame deltas), plus the list requests the scroll caused.
//
//   npx vite build && npx tsx bench/ui-scroll.ts [data dir, default /tmp/seed100k]
//
// Environment: UI_BENCH_ROWS (2000 rows to scroll), UI_BENCH_STEP_ROWS (20 rows per wheel
// step), UI_BENCH_STEP_MS (16 ms between steps), UI_BENCH_RUNS (3).
// Note: this adds two API keys to the data set's database (LOCALDESK_ADMIN_KEY and a UI key).
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type Page, chromium } from 'playwright-core';
import { generateApiKey } from '../server/domain/apiKeys/keys.ts';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const dataDir = process.argv[2] ?? '/tmp/seed100k';
const rows = Number(process.env.UI_BENCH_ROWS ?? 2000);
const stepRows = Number(process.env.UI_BENCH_STEP_ROWS ?? 20);
const stepMs = Number(process.env.UI_BENCH_STEP_MS ?? 16);
const runs = Number(process.env.UI_BENCH_RUNS ?? 3);
const rowHeight = 52;

interface PerfWindow {
  perf: { longTasks: { start: number; duration: number }[]; frames: number[]; firstRowsAt: number | null };
}

/**
 * Installed before the app loads: records long tasks, frame intervals and when rows first
 * show. A string, not a function: a transpiler's helpers would not exist inside the page.
 */
const instrument = `
  window.perf = { longTasks: [], frames: [], firstRowsAt: null };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.perf.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  let last = performance.now();
  const frame = (t) => {
    window.perf.frames.push(t - last);
    last = t;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  const seen = new MutationObserver(() => {
    if (window.perf.firstRowsAt === null && document.querySelector('.ticket-row[data-ticket-id]')) {
      window.perf.firstRowsAt = performance.now();
      seen.disconnect();
    }
  });
  seen.observe(document, { childList: true, subtree: true });
`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function startServer(port: number, key: string): Promise<ChildProcess> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('LOCALDESK_')));
  const child = spawn(process.execPath, ['bin/localdesk.js', 'serve', '--data', dataDir, '--port', String(port)], {
    cwd: repoRoot,
    env: { ...env, LOCALDESK_ADMIN_KEY: key },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error('the server exited before it answered');
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
    if (ok) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the server did not start within 2 minutes');
}

const pct = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? (sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0) : 0;
};
const round = (n: number) => Math.round(n * 10) / 10;

async function measureRun(page: Page, url: string) {
  const listRequests: number[] = [];
  const started = new Map<string, number>();
  const onRequest = (r: { url(): string }) => {
    if (r.url().includes('/api/v1/tickets?')) started.set(r.url(), Date.now());
  };
  const onFinished = (r: { url(): string }) => {
    const t = started.get(r.url());
    if (t !== undefined) listRequests.push(Date.now() - t);
  };
  page.on('request', onRequest);
  page.on('requestfinished', onFinished);

  await page.goto(url);
  if (process.env.UI_BENCH_CSS) await page.addStyleTag({ content: process.env.UI_BENCH_CSS });
  await page.locator('.ticket-row[data-ticket-id]').first().waitFor({ timeout: 60_000 });
  const firstRowsMs = await page.evaluate(() => (window as unknown as PerfWindow).perf.firstRowsAt);
  await page.waitForTimeout(500);

  const list = page.getByRole('listbox', { name: 'Tickets' });
  const box = await list.boundingBox();
  if (!box) throw new Error('no ticket list on the page');
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const requestsBefore = listRequests.length;
  await page.evaluate(() => {
    const w = window as unknown as PerfWindow;
    w.perf.longTasks = [];
    w.perf.frames = [];
  });
  const steps = Math.ceil(rows / stepRows);
  const cdp = process.env.UI_BENCH_PROFILE ? await page.context().newCDPSession(page) : null;
  if (cdp) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.start');
  }
  const t0 = Date.now();
  for (let i = 0; i < steps; i++) {
    await page.mouse.wheel(0, stepRows * rowHeight);
    await page.waitForTimeout(stepMs);
  }
  const scrollMs = Date.now() - t0;
  if (cdp && process.env.UI_BENCH_PROFILE) {
    const { profile } = await cdp.send('Profiler.stop');
    writeFileSync(process.env.UI_BENCH_PROFILE, JSON.stringify(profile));
  }
  // The scroll has stopped: how long until the rows on screen are real rows, not placeholders?
  const settleStart = Date.now();
  await page.waitForFunction(() => document.querySelectorAll('.ticket-list .skeleton-row').length === 0, undefined, { timeout: 30_000 });
  const settleMs = Date.now() - settleStart;
  const result = await page.evaluate(() => {
    const w = window as unknown as PerfWindow;
    return {
      longTasks: w.perf.longTasks,
      frames: w.perf.frames.slice(1),
      scrollTop: document.querySelector('.ticket-list')?.scrollTop ?? 0,
      rowsInDom: document.querySelectorAll('.ticket-row').length,
      firstVisible: document.querySelector('.ticket-row[data-ticket-id]')?.getAttribute('aria-posinset'),
    };
  });
  page.off('request', onRequest);
  page.off('requestfinished', onFinished);
  const longTotal = result.longTasks.reduce((sum, t) => sum + t.duration, 0);
  return {
    firstRowsMs: firstRowsMs === null ? null : round(firstRowsMs),
    scroll: {
      rowsScrolled: Math.round(result.scrollTop / rowHeight),
      wallMs: scrollMs,
      settleAfterStopMs: settleMs,
      rowsInDom: result.rowsInDom,
      firstVisibleRow: Number(result.firstVisible),
    },
    longTasks: {
      count: result.longTasks.length,
      totalMs: round(longTotal),
      maxMs: round(Math.max(0, ...result.longTasks.map((t) => t.duration))),
      shareOfScroll: round((longTotal / Math.max(1, scrollMs)) * 100),
    },
    frames: {
      count: result.frames.length,
      p50Ms: round(pct(result.frames, 50)),
      p95Ms: round(pct(result.frames, 95)),
      p99Ms: round(pct(result.frames, 99)),
      maxMs: round(Math.max(0, ...result.frames)),
      over50Ms: result.frames.filter((f) => f > 50).length,
    },
    listRequests: {
      duringScroll: listRequests.length - requestsBefore,
      p50Ms: pct(listRequests.slice(requestsBefore), 50),
      maxMs: Math.max(0, ...listRequests.slice(requestsBefore)),
    },
  };
}

/** A UI key like the first admin key (6,000 requests a minute), so paging is not rate limited. */
async function uiKey(port: number, adminKey: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/api-keys`, {
    method: 'POST',
    headers: { 'X-API-Key': adminKey, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'ui-scroll bench', scopes: ['admin'], rateLimitPerMinute: 6000 }),
  });
  const body = (await res.json()) as { data: { key: string } };
  if (!res.ok) throw new Error(`could not create a key: ${res.status} ${JSON.stringify(body)}`);
  return body.data.key;
}

async function main() {
  const adminKey = generateApiKey();
  const port = await freePort();
  const server = await startServer(port, adminKey);
  const key = await uiKey(port, adminKey);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.addInitScript({ content: instrument });
    const url = `http://127.0.0.1:${port}/inbox`;
    await page.goto(url);
    // The sign-in page offers a password first (accounts); the bench signs in with its key.
    await page.getByRole('button', { name: 'Use an API key instead' }).click();
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator('.ticket-row[data-ticket-id]').first().waitFor({ timeout: 60_000 });
    const total = await page.locator('.inbox-total').textContent();
    const results = [];
    for (let i = 0; i < runs; i++) results.push(await measureRun(page, url));
    console.log(JSON.stringify({ dataDir, inboxTotal: total, rows, stepRows, stepMs, runs: results }, null, 2));
  } finally {
    await browser.close();
    server.kill('SIGTERM');
  }
}

await main();
