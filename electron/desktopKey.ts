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
  /** Linux only: which secret store Electron picked (`basic_text` is no store at all). */
  getSelectedStorageBackend?(): string;
}

export interface KeyProtection {
  /** Whether the OS keychain really protects the key. */
  encrypt: boolean;
  /** What to tell the user (loudly) when it does not; null when it does. */
  warning: string | null;
}

/**
 * Whether the key can be kept encrypted. Without a keychain, or on Linux with the `basic_text`
 * backend (no keyring running: Electron then "encrypts" with a password built into Chromium,
 * which anyone can undo), the key is stored as what it is, unencrypted in a file only this user
 * can read, and the user is told so: better than a false sense of protection.
 */
export function keyProtection(store: SecretStore, platform: NodeJS.Platform = process.platform): KeyProtection {
  if (!store.isEncryptionAvailable()) {
    return {
      encrypt: false,
      warning:
        'No OS keychain is available, so the desktop app\'s admin key is stored unencrypted (readable ' +
        'by your user account only). Anyone who can read your files can use it on this machine.',
    };
  }
  if (platform === 'linux' && store.getSelectedStorageBackend?.() === 'basic_text') {
    return {
      encrypt: false,
      warning:
        'No keyring (GNOME Keyring, KWallet) is running, so Electron would only obfuscate secrets ' +
        '(its basic_text store): the desktop app\'s admin key is stored unencrypted (readable by your ' +
        'user account only). Start a keyring and restart LocalDesk to keep it encrypted.',
    };
  }
  return { encrypt: true, warning: null };
}

const plainPrefix = 'plain:';
/** The desktop user is one person at one machine: no per-minute limit worth enforcing. */
export const desktopRateLimit = 1_000_000;

function readStored(file: string, store: SecretStore, protection: KeyProtection): string | null {
  if (!existsSync(file)) return null;
  const raw = readFileSync(file);
  if (raw.subarray(0, plainPrefix.length).toString() === plainPrefix) {
    return raw.subarray(plainPrefix.length).toString();
  }
  try {
    return protection.encrypt ? store.decryptString(raw) : null;
  } catch {
    return null; // another user's or machine's keychain: make a new key
  }
}

/** Writes the key, encrypted when the keychain really protects it, in a 0600 file. */
function writeKey(file: string, key: string, store: SecretStore, protection: KeyProtection): void {
  writeFileSync(file, protection.encrypt ? store.encryptString(key) : Buffer.from(plainPrefix + key), { mode: 0o600 });
  chmodSync(file, 0o600);
}

/**
 * The desktop app's admin key: the stored one while it is still live, else a new one. `warning`
 * is set when it is kept unencrypted (keyProtection), for the shell to show the user.
 */
export async function ensureDesktopKey(
  db: Kysely<Database>,
  clock: Clock,
  file: string,
  store: SecretStore,
  platform: NodeJS.Platform = process.platform,
): Promise<{ key: string; encrypted: boolean; warning: string | null }> {
  const protection = keyProtection(store, platform);
  const stored = readStored(file, store, protection);
  if (stored) {
    const live = await db
      .selectFrom('api_keys')
      .select('id')
      .where('key_hash', '=', hashApiKey(stored))
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (live) {
      const plain = readFileSync(file).subarray(0, plainPrefix.length).toString() === plainPrefix;
      // Stored unencrypted while there was no keychain, and there is one now: encrypt it.
      if (plain && protection.encrypt) writeKey(file, stored, store, protection);
      return { key: stored, encrypted: protection.encrypt, warning: protection.warning };
    }
  }
  const key = generateApiKey();
  await bootstrap(db, clock, { adminKey: key, adminKeyName: 'Desktop app', adminKeyRateLimit: desktopRateLimit });
  writeKey(file, key, store, protection);
  return { key, encrypted: protection.encrypt, warning: protection.warning };
}
