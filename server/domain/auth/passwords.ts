// Passwords: hashed with scrypt (memory-hard, in Node's crypto, no native add-on to build), a
// fresh 16-byte salt per hash, and the cost parameters stored with the hash so they can be
// raised later: a hash made with older parameters verifies, and is replaced at the next login.
//   scrypt$N=32768,r=8,p=1$<salt, base64>$<32-byte hash, base64>
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { invalidField } from '../../core/errors.ts';
import { commonPasswordsText } from './commonPasswords.data.ts';

interface Cost {
  N: number;
  r: number;
  p: number;
}

/** Today's cost: ~32 MiB and some tens of milliseconds per hash on a small machine. */
export const currentCost: Cost = { N: 32768, r: 8, p: 1 };
const keyLength = 32;

export const minPasswordLength = 10;
export const maxPasswordLength = 200;

function derive(password: string, salt: Buffer, cost: Cost): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // scrypt needs 128·N·r bytes; Node's default ceiling (32 MiB) is exactly N=32768, r=8.
    const maxmem = 256 * cost.N * cost.r;
    scrypt(password.normalize('NFC'), salt, keyLength, { ...cost, maxmem }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

export async function hashPassword(password: string, cost: Cost = currentCost): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, cost);
  return `scrypt$N=${cost.N},r=${cost.r},p=${cost.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

function parse(stored: string): { cost: Cost; salt: Buffer; key: Buffer } | null {
  const match = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(stored);
  if (!match) return null;
  const [, N, r, p, salt, key] = match;
  return {
    cost: { N: Number(N), r: Number(r), p: Number(p) },
    salt: Buffer.from(salt ?? '', 'base64'),
    key: Buffer.from(key ?? '', 'base64'),
  };
}

export interface Verdict {
  ok: boolean;
  /** The hash was made with other parameters than today's: store a fresh one. */
  needsRehash: boolean;
}

/** Compares in constant time; an unreadable stored hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<Verdict> {
  const parsed = parse(stored);
  if (!parsed) return { ok: false, needsRehash: false };
  const key = await derive(password, parsed.salt, parsed.cost);
  const ok = key.length === parsed.key.length && timingSafeEqual(key, parsed.key);
  const { N, r, p } = parsed.cost;
  return { ok, needsRehash: ok && (N !== currentCost.N || r !== currentCost.r || p !== currentCost.p) };
}

let dummy: Promise<string> | null = null;

/**
 * Spends the time of a real check when there is no password to check (no such user, no password
 * set): "no such user" and "wrong password" then take about as long as each other.
 */
export async function verifyNothing(password: string): Promise<void> {
  dummy ??= hashPassword('not the password of anyone');
  await verifyPassword(password, await dummy);
}

let common: Set<string> | null = null;
function isCommon(password: string): boolean {
  common ??= new Set(commonPasswordsText.split('\n'));
  return common.has(password.toLowerCase());
}

/**
 * The rules a new password must meet, as a 400 on `field`: a minimum length, not one of the
 * 10,000 commonest passwords, and not the person's own e-mail address or name.
 */
export function assertAcceptablePassword(
  password: string,
  person: { email: string; name?: string | null },
  field = 'password',
): void {
  if ([...password].length < minPasswordLength) {
    throw invalidField(field, `must be at least ${minPasswordLength} characters long`);
  }
  if (password.length > maxPasswordLength) {
    throw invalidField(field, `must be at most ${maxPasswordLength} characters long`);
  }
  if (isCommon(password)) throw invalidField(field, 'is one of the most common passwords; choose another');
  if (/^(.)\1*$/u.test(password)) throw invalidField(field, 'must not repeat a single character');
  const lower = password.toLowerCase();
  const own = [person.email, person.email.split('@')[0] ?? '', person.name ?? ''].map((s) => s.toLowerCase().trim());
  if (own.some((s) => s.length > 0 && lower === s)) {
    throw invalidField(field, 'must not be your e-mail address or name');
  }
}
