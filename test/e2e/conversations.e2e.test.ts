import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, signIn, startUiServer } from '../helpers/browser.ts';
import type { TestServer } from '../helpers/server.ts';

interface Conversation {
  id: string;
  ticketId: string | null;
  status: string;
  messages?: { body: string; sender: string }[];
}

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

async function pushConversation(channel: string, email: string, subject: string, body: string): Promise<Conversation> {
  const res = await s.api.post<Conversation>('/conversations', { channel, participantEmail: email, subject, body });
  expect(res.status).toBe(201);
  return res.body.data;
}

async function openPage(path: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  await signIn(page, s);
  await page.goto(`${s.url}${path}`);
  return page;
}

describe('conversations', () => {
  it('replies, then converts a conversation into a ticket and opens it', async () => {
    const conversation = await pushConversation('chat', 'ada@example.com', 'Cannot export invoices', 'The export button spins forever.');
    const page = await openPage(`/conversations/${conversation.id}`);
    await page.getByRole('heading', { name: 'Cannot export invoices' }).waitFor();

    await page.getByLabel('Reply to ada@example.com').fill('Looking into it now.');
    await page.getByRole('button', { name: 'Send reply' }).click();
    await expect
      .poll(async () => (await s.api.get<Conversation>(`/conversations/${conversation.id}`)).body.data.messages?.map((m) => `${m.sender}:${m.body}`))
      .toContain('agent:Looking into it now.');

    await page.getByRole('button', { name: 'Convert to ticket' }).click();
    const dialog = page.getByRole('dialog', { name: 'Convert to ticket' });
    await dialog.getByRole('radio', { name: 'High' }).click();
    await dialog.getByRole('button', { name: 'Convert' }).click();
    await page.waitForURL(/\/tickets\/tkt_[0-9A-Za-z]+$/);

    const ticketId = new URL(page.url()).pathname.split('/').pop() ?? '';
    const ticket = await s.api.get<{ id: string; subject: string; priority: string; conversationId: string }>(`/tickets/${ticketId}`);
    expect(ticket.status).toBe(200);
    expect(ticket.body.data).toMatchObject({ subject: 'Cannot export invoices', priority: 'high', conversationId: conversation.id });
    const after = await s.api.get<Conversation>(`/conversations/${conversation.id}`);
    expect(after.body.data.ticketId).toBe(ticketId);
    await page.close();
  }, 60_000);

  it('says the conversation is already a ticket, with a link to it, when someone else converted it first', async () => {
    const conversation = await pushConversation('email', 'grace@example.com', 'Refund for order 1042', 'Please refund my last order.');
    const page = await openPage(`/conversations/${conversation.id}`);
    await page.getByRole('button', { name: 'Convert to ticket' }).click();
    const converted = await s.api.post<{ id: string }>(`/conversations/${conversation.id}/ticket`, { priority: 'low' });
    expect(converted.status).toBe(201);

    const dialog = page.getByRole('dialog', { name: 'Convert to ticket' });
    await dialog.getByRole('button', { name: 'Convert' }).click();
    const alert = dialog.getByRole('alert');
    await expect.poll(() => alert.textContent()).toContain('already a ticket');
    expect(await alert.getByRole('link').getAttribute('href')).toBe(`/tickets/${converted.body.data.id}`);
    await page.close();
  }, 60_000);

  it('filters by channel and status, and archives and reactivates a thread', async () => {
    const widget = await pushConversation('widget', 'linus@example.com', 'Widget shows a blank page', 'Nothing loads in the help widget.');
    const page = await openPage('/conversations');
    await page.getByRole('radiogroup', { name: 'Channel' }).getByRole('radio', { name: 'Widget' }).click();
    await page.waitForURL(/channel=widget/);
    const rows = page.getByRole('list', { name: 'Conversations' }).getByRole('link');
    await expect.poll(() => rows.allTextContents()).toEqual([expect.stringContaining('Widget shows a blank page')]);

    await rows.first().click();
    await page.getByRole('button', { name: 'Archive' }).click();
    await expect.poll(async () => (await s.api.get<Conversation>(`/conversations/${widget.id}`)).body.data.status).toBe('archived');
    await page.getByRole('radiogroup', { name: 'Status' }).getByRole('radio', { name: 'Archived' }).click();
    await expect.poll(() => rows.allTextContents()).toEqual([expect.stringContaining('Widget shows a blank page')]);
    await page.getByRole('button', { name: 'Reactivate' }).click();
    await expect.poll(async () => (await s.api.get<Conversation>(`/conversations/${widget.id}`)).body.data.status).toBe('active');
    await page.close();
  }, 60_000);

  it('looks like a real inbox (screenshot)', async () => {
    s.clock.set(new Date(Date.now() - 6 * 3_600_000).toISOString());
    const threads: [string, string, string, string][] = [
      ['email', 'margaret@hooli.example', 'Invoice shows the wrong VAT number', 'Our VAT number changed in January, but the last invoice still shows the old one.'],
      ['chat', 'ken@initech.example', 'Two-factor codes never arrive', 'I am not receiving the SMS codes when I try to log in.'],
      ['widget', 'barbara@vandelay.example', 'Where do I change my plan?', 'I want to move from Starter to Team.'],
      ['email', 'alan@acme.example', 'Bulk import fails at row 500', 'The CSV import stops with an error at row 500 every time.'],
      ['chat', 'grace@globex.example', 'Dark mode request', 'Any plans for a dark theme on the mobile app?'],
    ];
    for (const [channel, email, subject, body] of threads) {
      s.clock.advanceMinutes(47);
      await pushConversation(channel, email, subject, body);
    }
    const main = await pushConversation('email', 'dana@stark.example', 'Sync stopped after the 4.2 update', 'Since updating to 4.2 this morning, nothing syncs between my laptop and phone.');
    s.clock.advanceMinutes(12);
    await s.api.post(`/conversations/${main.id}/messages`, { body: 'Sorry about that, Dana! Could you tell me which phone and OS version you are on?', sender: 'agent' });
    s.clock.advanceMinutes(9);
    await s.api.post(`/conversations/${main.id}/messages`, { body: 'iPhone 15, iOS 18.3. The laptop is a MacBook on Sonoma.', sender: 'customer' });

    const page = await openPage(`/conversations/${main.id}`);
    await page.getByRole('heading', { name: 'Sync stopped after the 4.2 update' }).waitFor();
    await page.getByText('iPhone 15, iOS 18.3').waitFor();
    await page.getByLabel('Reply to dana@stark.example').fill('Thanks! A fix for iOS 18.3 ships today; I will let you know as soon as it is live.');
    const path = await screenshot(page, 'conversations');
    expect(path).toMatch(/conversations\.png$/);
    await page.close();
  }, 60_000);
});
