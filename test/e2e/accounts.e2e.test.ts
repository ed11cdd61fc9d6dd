// Issue 14's "done when", in one Chromium with two browser contexts (two people, two cookie
// jars): the admin invites Ada; Ada opens the link, sets a password and is signed in; the admin
// assigns her a ticket and her bell rings without a reload; both open the ticket and each sees
// the other; Ada types and the admin sees "Ada is replying…"; Ada signs out and her cookie is dead.
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTicket } from '../helpers/factories.ts';
import { launchBrowser, screenshot, signIn, startUiServer } from '../helpers/browser.ts';
import type { TestServer } from '../helpers/server.ts';

let s: TestServer;
let browser: Browser;
const contexts: BrowserContext[] = [];
beforeAll(async () => {
  s = await startUiServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  for (const context of contexts) await context.close().catch(() => undefined);
  await browser?.close();
  await s?.close();
});

async function newContext(): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  contexts.push(context);
  return context;
}

describe('a team signs in as themselves', () => {
  it('invite, accept, a live notification, presence both ways, "replying…", and sign-out', async () => {
    const ticket = await buildTicket(s.api, { subject: 'Refund for order 1142' });

    // The admin (the first admin, with the key printed at first start) invites Ada.
    const admin = await (await newContext()).newPage();
    await signIn(admin, s);
    await admin.goto(`${s.url}/settings/team`);
    await admin.getByLabel('E-mail address').fill('ada@example.com');
    await admin.getByRole('button', { name: 'Invite' }).click();
    const link = await admin.getByRole('textbox', { name: 'Invitation link' }).inputValue();
    await screenshot(admin, 'team-invite');
    expect(link).toMatch(new RegExp(`^${s.url}/accept-invite#token=[A-Za-z0-9_-]{43}$`));

    // Ada, in her own browser, opens the link, chooses a password and is in.
    const adaContext = await newContext();
    const ada = await adaContext.newPage();
    await ada.goto(link);
    await ada.getByLabel('Your name').fill('Ada Lovelace');
    await ada.getByLabel('Password').fill('analytical engine 1843');
    await ada.getByRole('button', { name: 'Join and sign in' }).click();
    await ada.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(await ada.getByRole('link', { name: 'Ada Lovelace' }).isVisible()).toBe(true);
    expect(new URL(ada.url()).pathname).toBe('/inbox');
    const cookie = (await adaContext.cookies()).find((c) => c.name === 'ldk_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    await expect.poll(() => ada.getByRole('button', { name: /^Notifications, \d+ unread$/ }).getAttribute('aria-label')).toBe(
      'Notifications, 0 unread',
    );

    // The admin assigns her the ticket; her bell rings without a reload.
    await admin.goto(`${s.url}/tickets/${ticket.id}`);
    await admin.getByLabel('Assignee').selectOption({ label: 'Ada Lovelace' });
    const bell = ada.getByRole('button', { name: 'Notifications, 1 unread' });
    await bell.waitFor({ timeout: 10_000 });
    await bell.click();
    const panel = ada.getByRole('dialog', { name: 'Notifications' });
    expect(await panel.textContent()).toContain('Refund for order 1142');
    expect(await panel.textContent()).toContain('Administrator assigned this ticket to you');
    await screenshot(ada, 'notifications');

    // Both on the ticket: each sees the other.
    await panel.getByRole('button', { name: /Refund for order 1142/ }).click();
    await ada.waitForURL(`${s.url}/tickets/${ticket.id}`);
    await ada.getByLabel('Also on this ticket').filter({ hasText: 'Administrator' }).waitFor({ timeout: 10_000 });
    await admin.getByLabel('Also on this ticket').filter({ hasText: 'Ada Lovelace' }).waitFor({ timeout: 10_000 });

    // Ada types a reply; the admin sees it happening.
    await ada.getByRole('textbox', { name: 'Reply to customer' }).fill('Hello! I am looking into the refund');
    const replying = admin.getByRole('status').filter({ hasText: 'replying' });
    await replying.waitFor({ timeout: 10_000 });
    expect(await replying.textContent()).toBe('Ada is replying…');
    await screenshot(admin, 'presence-replying');

    // In the inbox, the admin sees Ada's avatar on the ticket's row.
    await admin.goto(`${s.url}/inbox`);
    await admin.getByRole('img', { name: 'Open by Ada Lovelace' }).waitFor({ timeout: 10_000 });

    await ada.goto(`${s.url}/profile`);
    await ada.getByRole('region', { name: 'Where you are signed in' }).getByText('this browser').waitFor();
    await screenshot(ada, 'profile');

    // Ada signs out: her cookie no longer opens anything.
    await ada.getByRole('button', { name: 'Sign out' }).click();
    await ada.getByRole('button', { name: 'Use an API key instead' }).waitFor();
    await expect
      .poll(async () => (await fetch(`${s.url}/api/v1/auth/me`, { headers: { Cookie: `ldk_session=${cookie?.value}` } })).status)
      .toBe(401);
    expect((await adaContext.cookies()).find((c) => c.name === 'ldk_session')).toBeUndefined();
  });

  it('signs in with e-mail and password, and says why a wrong one fails', async () => {
    const { token } = await (async () => {
      const res = await s.api.post<{ url: string }>('/invitations', { email: 'grace@example.com' });
      return { token: new URL(res.body.data.url).hash.slice('#token='.length) };
    })();
    await s.api.post('/invitations/accept', { token, name: 'Grace Hopper', password: 'compiler pioneer 1952' }, { key: null });
    const page = await (await newContext()).newPage();
    await page.goto(`${s.url}/inbox`);
    await page.getByLabel('E-mail').fill('grace@example.com');
    await page.getByLabel('Password').fill('not her password at all');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('wrong e-mail address or password');
    await page.getByLabel('Password').fill('compiler pioneer 1952');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    // A reload keeps her signed in (the cookie), with no key stored in the page.
    await page.reload();
    await page.getByRole('navigation', { name: 'Main' }).waitFor();
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }))).not.toContain('ldk_');
  });
});

describe('collision warning', () => {
  it('asks before sending when a teammate replied since the ticket was opened', async () => {
    const ticket = await buildTicket(s.api, { subject: 'Two agents, one customer' });
    const res = await s.api.post<{ url: string }>('/invitations', { email: 'linus@example.com' });
    const token = new URL(res.body.data.url).hash.slice('#token='.length);
    const accepted = await s.api.post('/invitations/accept', { token, name: 'Linus Torvalds', password: 'kernel hacker 1991' }, { key: null });
    const cookie = accepted.headers.getSetCookie().find((c) => c.startsWith('ldk_session='))?.split(';')[0] ?? '';

    const page = await (await newContext()).newPage();
    await signIn(page, s);
    await page.goto(`${s.url}/tickets/${ticket.id}`);
    await page.getByRole('textbox', { name: 'Reply to customer' }).fill('We are on it.');
    // Linus answers the customer first, from his own session.
    const reply = await fetch(`${s.url}/api/v1/tickets/${ticket.id}/messages`, {
      method: 'POST',
      headers: { Cookie: cookie, Origin: s.url, 'X-LocalDesk-CSRF': '1', 'Content-Type': 'application/json' },
      body: JSON.stringify({ body: 'Hi, Linus here: fixed already.' }),
    });
    expect(reply.status).toBe(201);
    await page.getByText('Hi, Linus here: fixed already.').waitFor({ timeout: 10_000 });

    const asked: string[] = [];
    page.once('dialog', (dialog) => {
      asked.push(dialog.message());
      void dialog.dismiss();
    });
    await page.getByRole('button', { name: /Send reply/ }).click();
    await expect.poll(() => asked).toEqual(['Linus Torvalds replied to this ticket since you opened it. Send your reply anyway?']);
    // Dismissed: nothing was sent and the draft is still there.
    expect(await page.getByRole('textbox', { name: 'Reply to customer' }).inputValue()).toBe('We are on it.');
    const thread = await s.api.get<{ messages: { body: string }[] }>(`/tickets/${ticket.id}`);
    expect(thread.body.data.messages.map((m) => m.body)).not.toContain('We are on it.');
  });
});
