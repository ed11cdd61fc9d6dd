// No password, password hash, session token or invitation token ever leaves the server: not in a
// response body, not in a log line (at debug level), not in /export. The test goes through every
// account route with real secrets, then greps everything it captured for each of them.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { browser, invite, login, sessionCookieOf, strongPassword } from '../helpers/accounts.ts';
import { type ApiResponse, startTestServer } from '../helpers/server.ts';

describe('account secrets', () => {
  it('appear in no response, log line or export', async () => {
    const logLines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logLines.push(chunk.toString());
        done();
      },
    });
    const s = await startTestServer({ logger: pino({ level: 'debug' }, sink) });
    const bodies: string[] = [];
    const keep = <T>(res: ApiResponse<T>): ApiResponse<T> => {
      bodies.push(res.text, JSON.stringify([...res.headers].filter(([name]) => name !== 'set-cookie')));
      return res;
    };
    const secrets: string[] = [strongPassword, 'a second passphrase here', 'reset by the admin now'];
    try {
      const inv = await invite(s.api, 'ada@example.com');
      secrets.push(inv.token);
      // The link itself is the one response meant to carry a token (invite and resend): not kept.
      const resent = await s.api.post<{ url: string }>(`/invitations/${inv.id}/resend`);
      const token = new URL(resent.body.data.url).hash.slice('#token='.length);
      secrets.push(token);
      keep(await s.api.get('/invitations'));
      keep(await s.api.get(`/invitations/${inv.id}`));
      const accepted = keep(await s.api.post<{ user: { id: string } }>('/invitations/accept', { token, name: 'Ada', password: strongPassword }, { key: null }));
      const cookie = sessionCookieOf(accepted).pair;
      secrets.push(cookie.split('=')[1] ?? '');
      const ada = browser(s, cookie);
      const userId = accepted.body.data.user.id;
      keep(await ada.get('/auth/me'));
      keep(await ada.get('/auth/sessions'));
      keep(await ada.get(`/users/${userId}`));
      keep(await ada.get('/users'));
      keep(await ada.post(`/users/${userId}/password`, { password: 'a second passphrase here', currentPassword: strongPassword }));
      keep(await ada.post(`/users/${userId}/password`, { password: 'a second passphrase here', currentPassword: 'a wrong current one' }));
      const second = await login(s, 'ada@example.com', 'a second passphrase here');
      keep(second.res);
      secrets.push(second.cookie.split('=')[1] ?? '');
      keep((await login(s, 'ada@example.com', 'a wrong guess at it')).res);
      const sessionHashes = (await s.db.selectFrom('sessions').select('token_hash').execute()).map((r) => r.token_hash);
      expect(sessionHashes).toHaveLength(2);
      keep(await s.api.post(`/users/${userId}/password`, { password: 'reset by the admin now' }));
      keep(await s.api.get('/events?limit=100'));
      keep(await s.api.get(`/auth/sessions?userId=${userId}`));
      const exported = await fetch(`${s.url}/api/v1/export`, { headers: { 'X-API-Key': s.adminKey } });
      const exportText = await exported.text();
      expect(exported.status, exportText.slice(0, 300)).toBe(200);

      // The hashes as stored, taken from the database itself.
      const stored = [
        ...(await s.db.selectFrom('user_passwords').select('hash').execute()).map((r) => r.hash),
        ...sessionHashes,
        ...(await s.db.selectFrom('invitations').select('token_hash').execute()).map((r) => r.token_hash),
      ];
      expect(stored.length).toBeGreaterThanOrEqual(3);
      expect(stored.some((h) => h.startsWith('scrypt$N=32768,r=8,p=1$'))).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 50));
      const logs = logLines.join('');
      expect(logs).toContain('"msg":"request"');
      expect(logs).toContain('"sessionId":"ses_');
      for (const secret of [...secrets, ...stored]) {
        expect(secret.length).toBeGreaterThan(8);
        for (const [where, text] of [['responses', bodies.join('\n')], ['logs', logs], ['export', exportText]] as const) {
          expect(text.includes(secret), `${where} contain ${secret.slice(0, 12)}…`).toBe(false);
        }
        // The stored scrypt string's parts (the salt, the hash) are not there either.
        for (const part of secret.split('$').filter((p) => p.length > 16)) {
          expect(exportText.includes(part), 'export contains part of a hash').toBe(false);
        }
      }
      for (const table of ['user_passwords', 'sessions', 'invitations', 'login_failures']) {
        expect(exportText).not.toContain(`"table":"${table}"`);
      }
    } finally {
      await s.close();
    }
  });
});
