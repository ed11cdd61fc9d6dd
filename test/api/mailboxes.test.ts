// /api/v1/mailboxes over real HTTP: settings, secrets at rest, validation, scopes, and the
// connection test against a real Dovecot and SMTP server.
import { readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildKey } from '../helpers/factories.ts';
import { type MailboxData, type MailStack, mailboxBody, smtpAuth, startMailStack, supportUser } from '../helpers/mail.ts';
import { freePort } from '../helpers/processes.ts';

let stack: MailStack;
beforeAll(async () => {
  stack = await startMailStack({ withMailbox: false });
});
afterAll(async () => {
  await stack?.close();
});

const body = (overrides: Record<string, unknown> = {}) => mailboxBody(stack.imap, stack.smtp, overrides);
let counter = 0;
const address = () => `box${++counter}@example.test`;

describe('POST /api/v1/mailboxes', () => {
  it('creates a mailbox, never returns a password, and stores the passwords encrypted under an owner-only key', async () => {
    const res = await stack.api.post<MailboxData & Record<string, unknown>>('/mailboxes', body({ address: address(), active: false }));
    expect(res.status).toBe(201);
    const box = res.body.data;
    expect(box.id).toMatch(/^mbx_[0-9A-Z]{26}$/);
    expect(box.imap).toEqual({ host: '127.0.0.1', port: stack.imap.port, secure: false, user: supportUser.user, passwordSet: true });
    expect(box.smtp).toEqual({ host: '127.0.0.1', port: stack.smtp.port, secure: false, user: smtpAuth.user, passwordSet: true });
    expect(box.fetch).toEqual({ checkedAt: null, importedAt: null, error: null, errorAt: null, quarantined: 0 });
    expect(res.text).not.toContain(supportUser.password);
    expect(res.text).not.toContain(smtpAuth.password);

    const stored = await stack.server.db
      .selectFrom('mailboxes')
      .select(['imap_password', 'smtp_password'])
      .where('id', '=', box.id)
      .executeTakeFirstOrThrow();
    expect(stored.imap_password).toMatch(/^v1\./);
    expect(stored.imap_password).not.toContain(supportUser.password);
    expect(Buffer.from(stored.imap_password.split('.')[3] ?? '', 'base64url').toString('latin1')).not.toContain(supportUser.password);
    const keyPath = join(stack.server.dataDir, 'secret.key');
    expect(statSync(keyPath).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyPath)).toHaveLength(32);

    const events = await stack.api.get<{ type: string; data: unknown }[]>(`/events?type=mailbox.created&resourceId=${box.id}`);
    expect(events.body.data).toHaveLength(1);
    expect(JSON.stringify(events.body.data)).not.toContain(supportUser.password);

    const again = await stack.api.get<MailboxData>(`/mailboxes/${box.id}`);
    expect(again.body.data).toEqual(box);
    expect(again.headers.get('etag')).toBeTruthy();
  });

  it('fills the usual ports from `secure` when they are left out', async () => {
    const res = await stack.api.post<MailboxData>('/mailboxes', {
      ...body({ address: address(), active: false }),
      imap: { host: 'imap.example.com', user: 'u', password: 'p' },
      smtp: { host: 'smtp.example.com', secure: true, user: 'u', password: 'p' },
    });
    expect(res.status).toBe(201);
    expect(res.body.data.imap).toMatchObject({ port: 993, secure: true });
    expect(res.body.data.smtp).toMatchObject({ port: 465, secure: true });
  });

  it('rejects bad settings with every problem named, and writes nothing', async () => {
    const before = (await stack.api.get<unknown[]>('/mailboxes')).body.meta?.total;
    const res = await stack.api.post('/mailboxes', {
      name: '',
      address: 'not an address',
      imap: { host: 'bad host!', port: 70000, user: 'u', password: '', extra: 1 },
      smtp: { host: 'smtp.example.com', user: 'u' },
      colour: 'red',
    });
    expect(res.status).toBe(400);
    expect(res.body.error?.code).toBe('BAD_REQUEST');
    const paths = (res.body.error?.details?.errors ?? []).map((e) => e.path).sort();
    expect(paths).toEqual(['address', 'colour', 'imap.extra', 'imap.host', 'imap.password', 'imap.port', 'name', 'smtp.password']);
    expect((await stack.api.get<unknown[]>('/mailboxes')).body.meta?.total).toBe(before);
  });

  it('refuses an unknown project (400) and a second mailbox for the same address (409)', async () => {
    const noProject = await stack.api.post('/mailboxes', body({ address: address(), projectId: 'prj_01J00000000000000000000000' }));
    expect(noProject.status).toBe(400);
    expect(noProject.body.error?.message).toMatch(/projectId: no project prj_/);
    const addr = address();
    expect((await stack.api.post('/mailboxes', body({ address: addr, active: false }))).status).toBe(201);
    const twice = await stack.api.post('/mailboxes', body({ address: addr.toUpperCase(), active: false }));
    expect(twice.status).toBe(409);
    expect(twice.body.error?.message).toBe(`a mailbox for ${addr} already exists`);
  });

  it('is for admins only: other keys get 403 on every mailbox route', async () => {
    const agent = await buildKey(stack.api, ['tickets:read', 'tickets:write']);
    const opts = { key: agent.key };
    expect((await stack.api.get('/mailboxes', opts)).status).toBe(403);
    expect((await stack.api.post('/mailboxes', body({ address: address() }), opts)).status).toBe(403);
    expect((await stack.api.post('/mailboxes/mbx_01J00000000000000000000000/test', undefined, opts)).status).toBe(403);
  });
});

describe('PATCH and DELETE /api/v1/mailboxes/:id', () => {
  it('changes only what is given, keeps a password left out, and records no change when nothing changed', async () => {
    const box = (await stack.api.post<MailboxData>('/mailboxes', body({ address: address(), active: false }))).body.data;
    const renamed = await stack.api.patch<MailboxData>(`/mailboxes/${box.id}`, { name: 'Billing', imap: { port: stack.imap.port } });
    expect(renamed.status).toBe(200);
    expect(renamed.body.data).toMatchObject({ name: 'Billing', imap: { host: '127.0.0.1', user: supportUser.user } });
    const same = await stack.api.patch<MailboxData>(`/mailboxes/${box.id}`, { name: 'Billing' });
    expect(same.body.data.updatedAt).toBe(renamed.body.data.updatedAt);
    const test = await stack.api.post<{ ok: boolean }>(`/mailboxes/${box.id}/test`);
    expect(test.body.data.ok).toBe(true); // the stored passwords still log in

    const newPassword = await stack.api.patch<MailboxData>(`/mailboxes/${box.id}`, { smtp: { password: 'changed-pw' } });
    expect(newPassword.status).toBe(200);
    expect(newPassword.text).not.toContain('changed-pw');
    const events = await stack.api.get<{ data: { changes: string[] } }[]>(`/events?type=mailbox.updated&resourceId=${box.id}`);
    expect(events.body.data.map((e) => e.data.changes)).toEqual([['name'], ['smtp.password']]);
    expect(JSON.stringify(events.body.data)).not.toContain('changed-pw');

    const empty = await stack.api.patch(`/mailboxes/${box.id}`, { imap: {} });
    expect(empty.status).toBe(400);
  });

  it('deletes a mailbox (204), after which it is not found', async () => {
    const box = (await stack.api.post<MailboxData>('/mailboxes', body({ address: address(), active: false }))).body.data;
    expect((await stack.api.delete(`/mailboxes/${box.id}`)).status).toBe(204);
    expect((await stack.api.get(`/mailboxes/${box.id}`)).status).toBe(404);
    expect((await stack.api.delete(`/mailboxes/${box.id}`)).status).toBe(404);
    expect((await stack.api.get('/mailboxes/not-an-id')).status).toBe(404);
  });
});

describe('POST /api/v1/mailboxes/:id/test', () => {
  it('logs in to both servers and says so', async () => {
    const box = (await stack.api.post<MailboxData>('/mailboxes', body({ address: address(), active: false }))).body.data;
    const res = await stack.api.post<{ ok: boolean; imap: { ok: boolean; stage: string }; smtp: { ok: boolean; stage: string } }>(`/mailboxes/${box.id}/test`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ ok: true, imap: { ok: true, stage: 'done', error: null }, smtp: { ok: true, stage: 'done', error: null } });
  });

  it('says exactly what failed: a wrong IMAP password, an SMTP port nothing listens on', async () => {
    const closedPort = await freePort();
    const box = (
      await stack.api.post<MailboxData>(
        '/mailboxes',
        body({
          address: address(),
          active: false,
          imap: { host: '127.0.0.1', port: stack.imap.port, secure: false, user: supportUser.user, password: 'wrong' },
          smtp: { host: '127.0.0.1', port: closedPort, secure: false, user: smtpAuth.user, password: smtpAuth.password },
        }),
      )
    ).body.data;
    const res = await stack.api.post<{ ok: boolean; imap: { ok: boolean; stage: string; error: string }; smtp: { ok: boolean; stage: string; error: string } }>(
      `/mailboxes/${box.id}/test`,
    );
    expect(res.body.data.ok).toBe(false);
    expect(res.body.data.imap).toMatchObject({ ok: false, stage: 'login' });
    expect(res.body.data.imap.error).toMatch(/^IMAP server 127\.0\.0\.1 refused the login: /);
    expect(res.body.data.smtp).toMatchObject({ ok: false, stage: 'connect', error: 'SMTP server 127.0.0.1 refused the connection (nothing listens on that port)' });

    const wrongSmtp = await stack.api.patch<MailboxData>(`/mailboxes/${box.id}`, {
      imap: { password: supportUser.password },
      smtp: { port: stack.smtp.port, password: 'wrong' },
    });
    expect(wrongSmtp.status).toBe(200);
    const again = await stack.api.post<{ ok: boolean; imap: { ok: boolean }; smtp: { ok: boolean; stage: string; error: string } }>(`/mailboxes/${box.id}/test`);
    expect(again.body.data.imap.ok).toBe(true);
    expect(again.body.data.smtp).toMatchObject({ ok: false, stage: 'login' });
    expect(again.body.data.smtp.error).toMatch(/^SMTP server 127\.0\.0\.1 refused the login: 535 5\.7\.8 Authentication credentials invalid/);
  });

  it('says so when the stored passwords cannot be opened because the key file is gone', async () => {
    const box = (await stack.api.post<MailboxData>('/mailboxes', body({ address: address(), active: false }))).body.data;
    const keyPath = join(stack.server.dataDir, 'secret.key');
    const key = readFileSync(keyPath);
    rmSync(keyPath);
    try {
      // A new server over the same data folder and database (the running one keeps its key in memory).
      const { startTestServer } = await import('../helpers/server.ts');
      const other = await startTestServer({ dataDir: stack.server.dataDir, databaseUrl: stack.server.databaseUrl ?? undefined });
      try {
        const res = await other.api.post<{ ok: boolean; imap: { error: string } }>(`/mailboxes/${box.id}/test`);
        expect(res.body.data.ok).toBe(false);
        expect(res.body.data.imap.error).toMatch(/secret\.key is missing: stored passwords cannot be read; enter them again/);
      } finally {
        await other.close();
      }
    } finally {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(keyPath, key, { mode: 0o600 });
    }
  });
});
