// Secrets the server must be able to read back (mailbox passwords: IMAP and SMTP need them in
// the clear), kept encrypted at rest with AES-256-GCM under a 256-bit key in
// `<data dir>/secret.key` (owner-only permissions, created on first use). The database alone —
// a copied file, an export, a backup — then holds no usable password; the key file must be
// backed up with it. Each value is bound to what it is for (`purpose`, e.g. the mailbox id and
// field), so a ciphertext moved to another row does not decrypt there.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { chmodSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const keyBytes = 32;
const ivBytes = 12;
const tagBytes = 16;
const version = 'v1';

/** The key file is missing, unreadable or not a key; or a value does not decrypt with it. */
export class SecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretError';
  }
}

export class SecretBox {
  readonly keyPath: string;
  private key: Buffer | null = null;

  constructor(dataDir: string) {
    this.keyPath = join(dataDir, 'secret.key');
  }

  /** `v1.<iv>.<tag>.<ciphertext>`, base64url parts. */
  encrypt(plain: string, purpose: string): string {
    const iv = randomBytes(ivBytes);
    const cipher = createCipheriv('aes-256-gcm', this.loadKey(true), iv);
    cipher.setAAD(Buffer.from(purpose, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [version, iv, cipher.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
  }

  decrypt(sealed: string, purpose: string): string {
    const [v, iv, tag, body] = sealed.split('.');
    if (v !== version || iv === undefined || tag === undefined || body === undefined) {
      throw new SecretError('the stored secret is not in a known format');
    }
    const key = this.loadKey(false);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: tagBytes });
      decipher.setAAD(Buffer.from(purpose, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretError(`the stored secret does not decrypt with ${this.keyPath} (was the key file replaced?)`);
    }
  }

  /** Reads the key, creating it (mode 0600) when `create` and there is none yet. */
  private loadKey(create: boolean): Buffer {
    if (this.key) return this.key;
    let key: Buffer | null = null;
    try {
      key = readFileSync(this.keyPath);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        throw new SecretError(`cannot read ${this.keyPath}: ${(err as Error).message}`);
      }
      if (!create) throw new SecretError(`${this.keyPath} is missing: stored passwords cannot be read; enter them again`);
      key = this.createKey();
    }
    if (key.length !== keyBytes) throw new SecretError(`${this.keyPath} is not a ${keyBytes}-byte key`);
    this.key = key;
    return key;
  }

  /**
   * Written under a temporary name and linked into place, so the key file appears whole or not
   * at all (a crash never leaves a short key), and a key another process created first wins.
   */
  private createKey(): Buffer {
    mkdirSync(dirname(this.keyPath), { recursive: true });
    const key = randomBytes(keyBytes);
    const temp = `${this.keyPath}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      writeFileSync(temp, key, { mode: 0o600, flag: 'wx' });
      chmodSync(temp, 0o600); // the umask could only have narrowed it; make it exact
      linkSync(temp, this.keyPath);
      return key;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(this.keyPath);
      throw new SecretError(`cannot create ${this.keyPath}: ${(err as Error).message}`);
    } finally {
      rmSync(temp, { force: true });
    }
  }
}
