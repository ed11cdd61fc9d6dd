import { hash, randomInt } from 'node:crypto';

const base62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A new secret: `ldk_` and 40 base62 characters (~238 random bits). */
export function generateApiKey(): string {
  let out = 'ldk_';
  for (let i = 0; i < 40; i++) out += base62[randomInt(62)];
  return out;
}

/**
 * Keys are stored only as this hash. A plain SHA-256 suffices (no slow KDF): the secret is
 * 238 random bits, not a password, so there is nothing for a dictionary attack to guess.
 */
export function hashApiKey(key: string): string {
  return hash('sha256', key, 'hex');
}

/** What lists show so a person can recognise a key without its secret: `ldk_` + 4 chars. */
export function keyPrefix(key: string): string {
  return key.slice(0, 8);
}
