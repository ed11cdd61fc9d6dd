import { describe, expect, it } from 'vitest';
import { assertAcceptablePassword, hashPassword, verifyPassword } from '../../server/domain/auth/passwords.ts';

describe('password hashes', () => {
  it('are scrypt with a per-hash salt and the cost stored with them', async () => {
    const a = await hashPassword('correct horse battery staple');
    const b = await hashPassword('correct horse battery staple');
    expect(a).toMatch(/^scrypt\$N=32768,r=8,p=1\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);
    expect(a).not.toBe(b); // another salt
    expect(await verifyPassword('correct horse battery staple', a)).toEqual({ ok: true, needsRehash: false });
    expect(await verifyPassword('correct horse battery stapler', a)).toEqual({ ok: false, needsRehash: false });
    expect(await verifyPassword('anything', 'not a hash')).toEqual({ ok: false, needsRehash: false });
  });

  it('made with older parameters still verify, and ask to be made again', async () => {
    const old = await hashPassword('correct horse battery staple', { N: 16384, r: 8, p: 1 });
    expect(await verifyPassword('correct horse battery staple', old)).toEqual({ ok: true, needsRehash: true });
  });
});

describe('new passwords', () => {
  const person = { email: 'ada@example.com', name: 'Ada Lovelace' };
  it('need 10 characters, not a common one, not the e-mail or name', () => {
    expect(() => assertAcceptablePassword('a fine long passphrase', person)).not.toThrow();
    expect(() => assertAcceptablePassword('ßhort', person)).toThrow('at least 10 characters');
    expect(() => assertAcceptablePassword('PASSWORD123', person)).toThrow('most common'); // compared ignoring case
    expect(() => assertAcceptablePassword('1qaz2wsx3edc', person)).toThrow('most common');
    expect(() => assertAcceptablePassword('Ada Lovelace', person)).toThrow('e-mail address or name');
    expect(() => assertAcceptablePassword('ADA@EXAMPLE.COM', person)).toThrow('e-mail address or name');
  });
});
