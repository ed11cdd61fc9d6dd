import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, signIn, startUiServer } from '../helpers/browser.ts';
import { buildTicket } from '../helpers/factories.ts';
import type { TestServer } from '../helpers/server.ts';

interface Summary {
  tickets: number;
  slaBreached: number;
  rollups: { day: string; total: number }[];
}

let s: TestServer;
let browser: Browser;
const priorities = ['low', 'medium', 'high', 'urgent', 'medium', 'high', 'medium'];

const minute = 60_000;
const day = 24 * 60 * minute;

/**
 * Four weeks of tickets, busier on weekdays and growing: most are answered and resolved in
 * time, some answered late, some left open (breaching their SLA as the days pass).
 */
async function seedFourWeeks(): Promise<void> {
  const start = Date.parse('2026-02-02T07:30:00Z');
  let n = 0;
  for (let d = 0; d < 29; d++) {
    const weekend = d % 7 === 5 || d % 7 === 6;
    const count = weekend ? 1 + (d % 2) : 2 + ((d * 7) % 5) + Math.floor(d / 10);
    const created: { id: string; at: number }[] = [];
    for (let i = 0; i < count; i++) {
      const at = start + d * day + i * 50 * minute;
      s.clock.set(new Date(at).toISOString());
      created.push({ id: (await buildTicket(s.api, { priority: priorities[(d + i) % priorities.length] })).id, at });
    }
    for (const { id, at } of created) {
      n++;
      if (n % 8 === 0) continue;
      s.clock.set(new Date(at + (10 + ((n * 23) % 70)) * minute).toISOString());
      await s.api.post(`/tickets/${id}/messages`, { body: 'On it!', sender: 'agent' });
      s.clock.set(new Date(at + (100 + ((n * 31) % 120)) * minute).toISOString());
      const status = n % 8 === 1 ? 'pending' : n % 3 === 0 ? 'closed' : 'resolved';
      await s.api.patch(`/tickets/${id}`, { status });
    }
  }
  s.clock.set('2026-03-02T16:00:00Z');
}

beforeAll(async () => {
  s = await startUiServer();
  browser = await launchBrowser();
  await seedFourWeeks();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await s?.close();
});

async function openDashboard(query = ''): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await signIn(page, s);
  await page.goto(`${s.url}/dashboard${query}`);
  return page;
}

describe('dashboard', () => {
  it('draws tickets per day with the newest day on the right, matching the API', async () => {
    const summary = (await s.api.get<Summary>('/analytics/summary?days=30')).body.data;
    expect(summary.tickets).toBeGreaterThan(80);
    const page = await openDashboard('?days=30');
    const chart = page.getByRole('img', { name: 'Tickets created per day, last 30 days' });
    await chart.waitFor();

    const table = page.locator('table', { has: page.locator('caption', { hasText: 'Tickets created per day, last 30 days' }) });
    const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent ?? '')));
    expect(rows).toHaveLength(30);
    expect(rows.at(-1)?.[0]).toBe('Mar 2');
    expect(rows[0]?.[0]).toBe('Feb 1');
    const chronological = [...summary.rollups].reverse().map((r) => r.total);
    expect(rows.map((r) => Number(r[1]))).toEqual(chronological);
    expect(await chart.locator('.db-bar path').count()).toBe(chronological.filter((t) => t > 0).length);

    expect(await page.getByRole('region', { name: 'Tickets created' }).textContent()).toContain(String(summary.tickets));
    expect(await page.getByRole('region', { name: 'SLA breached' }).textContent()).toContain(String(summary.slaBreached));
    expect(await page.getByRole('img', { name: /within target/ }).count()).toBe(1);
    expect(await page.getByRole('figure', { name: 'Tickets by current priority' }).count()).toBe(1);

    // Point at a bar so the screenshot shows the tooltip too.
    const box = await chart.boundingBox();
    if (box) await page.mouse.move(box.x + box.width * 0.64, box.y + box.height * 0.6);
    await page.locator('.db-chart-tooltip').first().waitFor();
    await screenshot(page, 'dashboard');
    await page.close();
  }, 60_000);

  it('switches the window to 7 and 90 days', async () => {
    const page = await openDashboard();
    await page.getByRole('img', { name: 'Tickets created per day, last 30 days' }).waitFor();
    await page.getByRole('radiogroup', { name: 'Time window' }).getByRole('radio', { name: '7 days' }).click();
    await page.getByRole('img', { name: 'Tickets created per day, last 7 days' }).waitFor();
    expect(page.url()).toContain('days=7');
    const week = (await s.api.get<Summary>('/analytics/summary?days=7')).body.data;
    expect(await page.getByRole('region', { name: 'Tickets created' }).textContent()).toContain(String(week.tickets));

    await page.getByRole('radiogroup', { name: 'Time window' }).getByRole('radio', { name: '90 days' }).click();
    await page.getByRole('img', { name: 'SLA breached and total per day, last 90 days' }).waitFor();
    await page.close();
  }, 60_000);
});
