// The desktop app's own API key: created on first run, kept encrypted with the OS keychain
// (Electron's safeStorage) where available, and handed to the renderer only through the
// preload bridge. It is never shown and never stored by the page.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { generateApiKey, hashApiKey } from '../server/domain/apiKeys/keys.ts';
import { bootstrap } from '../server/bootstrap.ts';
import type { Clock } from '../server/core/clock.ts';

export interface SecretStore {
  isEncryptionAvailable(): boolean;
  encryptString(plain: string): Buffer;
  decryptString(encrypted: Buffer): string;
}

const plainPrefix = 'plain:';
/** The desktop user is one person at one machine: no per-minute limit worth enforcing. */
export const desktopRateLimit = 1_000_000;

function readStored(file: string, store: SecretStore): string | null {
  if (!existsSync(file)) return null;
  const raw = readFileSync(file);
  if (raw.subarray(0, plainPrefix.length).toString() === plainPrefix) {
    return raw.subarray(plainPrefix.length).toString();
  }
  try {
    return store.isEncryptionAvailable() ? store.decryptString(raw) : null;
  } catch {
    return null; // another user's or machine's keychain: make a new key
  }
}

export async function ensureDesktopKey(
  db: Kysely<Database>,
  clock: Clock,
  file: string,
  store: SecretStore,
): Promise<{ key: string; encrypted: boolean }> {
  const stored = readStored(file, store);
  if (stored) {
    const live = await db
      .selectFrom('api_keys')
      .select('id')
      .where('key_hash', '=', hashApiKey(stored))
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (live) return { key: stored, encrypted: store.isEncryptionAvailable() };
  }
  const key = generateApiKey();
  await bootstrap(db, clock, { adminKey: key, adminKeyName: 'Desktop app', adminKeyRateLimit: desktopRateLimit });
  const encrypted = store.isEncryptionAvailable();
  writeFileSync(file, encrypted ? store.encryptString(key) : Buffer.from(plainPrefix + key), { mode: 0o600 });
  chmodSync(file, 0o600);
  return { key, encrypted };
}
