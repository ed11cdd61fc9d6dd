// The desktop shell's hardening, with `electron` replaced by a recording fake: the fuses flipped
// at packaging, where the admin key may be kept, one navigation guard for every web contents,
// and a question before a link leaves for another host.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from 'electron';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest, openDatabase } from '../../db/connection.ts';
import { ensureDesktopKey, keyProtection } from '../../electron/desktopKey.ts';
import { builderConfig, desktopFuses } from '../../electron/fuses.ts';
import { externalOpener, guardAllWebContents } from '../../electron/security.ts';
import { TestClock } from '../helpers/clock.ts';
import { FakeWebContents, createFakeElectron } from '../helpers/fakeElectron.ts';

const origin = 'http://127.0.0.1:4870';
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('fuses flipped when packaging', () => {
  it('turn off running as Node, NODE_OPTIONS and the inspector, and turn on ASAR integrity and cookie encryption', () => {
    expect(desktopFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it('reach electron-builder through the configuration npm run dist packages with', () => {
    const config = builderConfig();
    expect(config.electronFuses).toEqual(desktopFuses);
    expect(config.extends).toBe('./electron-builder.yml');
    const dist = readFileSync(join(process.cwd(), 'electron/dist.ts'), 'utf8');
    expect(dist).toContain('writeBuilderConfig(');
  });
});

describe('where the desktop admin key is kept', () => {
  const keychain = (backend: string | undefined, available = true) => ({
    isEncryptionAvailable: () => available,
    encryptString: (plain: string) => Buffer.from(`enc:${Buffer.from(plain).toString('base64')}`),
    decryptString: (buffer: Buffer) => Buffer.from(buffer.toString().slice(4), 'base64').toString(),
    ...(backend ? { getSelectedStorageBackend: () => backend } : {}),
  });

  it('uses the OS keychain when it is a real one', () => {
    expect(keyProtection(keychain('gnome_libsecret'), 'linux')).toEqual({ encrypt: true, warning: null });
    expect(keyProtection(keychain(undefined), 'darwin')).toEqual({ encrypt: true, warning: null });
  });

  it("warns loudly when there is no keychain, or Linux's basic_text would only pretend to encrypt", () => {
    const none = keyProtection(keychain(undefined, false), 'linux');
    expect(none.encrypt).toBe(false);
    expect(none.warning).toMatch(/no OS keychain/i);
    const basic = keyProtection(keychain('basic_text'), 'linux');
    expect(basic.encrypt).toBe(false);
    expect(basic.warning).toMatch(/basic_text/);
  });

  it('stores it for what it is: marked unencrypted in a 0600 file under basic_text, and says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'localdesk-key-'));
    dirs.push(dir);
    const handle = openDatabase(join(dir, 'localdesk.db'));
    await migrateToLatest(handle.db);
    try {
      const file = join(dir, 'desktop-key.bin');
      const result = await ensureDesktopKey(handle.db, new TestClock(), file, keychain('basic_text'), 'linux');
      expect(result.encrypted).toBe(false);
      expect(result.warning).toMatch(/basic_text/);
      expect(readFileSync(file, 'utf8')).toBe(`plain:${result.key}`);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const real = await ensureDesktopKey(handle.db, new TestClock(), join(dir, 'real.bin'), keychain('kwallet5'), 'linux');
      expect(real).toMatchObject({ encrypted: true, warning: null });
    } finally {
      await handle.close();
    }
  });
});

describe('every web contents is guarded', () => {
  it('locks navigation of contents created later, whatever creates them', () => {
    const fake = createFakeElectron('/tmp');
    const opened: string[] = [];
    guardAllWebContents(fake.module.app as unknown as App, () => origin, async (url) => void opened.push(url));
    const later = new FakeWebContents();
    fake.appEvents.emit('web-contents-created', {}, later);
    expect(later.navigate('will-navigate', `${origin}/inbox`)).toBe(false);
    expect(later.navigate('will-navigate', 'https://evil.example/')).toBe(true);
    expect(later.openHandler?.({ url: 'https://docs.example/' })).toEqual({ action: 'deny' });
    let prevented = false;
    later.emit('will-attach-webview', { preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    expect(opened).toEqual(['https://evil.example/', 'https://docs.example/']);
  });
});

describe('opening links outside the app', () => {
  it('asks before opening another host, and opens only what the user agreed to', async () => {
    const asked: string[] = [];
    const opened: string[] = [];
    let answer = false;
    const open = externalOpener(
      () => origin,
      async (url) => {
        asked.push(url);
        return answer;
      },
      async (url) => void opened.push(url),
    );
    await open('https://phish.example/login');
    expect(asked).toEqual(['https://phish.example/login']);
    expect(opened).toEqual([]);
    answer = true;
    await open('https://docs.example/guide');
    expect(opened).toEqual(['https://docs.example/guide']);
    // The app's own host (another port of this machine's app) needs no question.
    await open('http://127.0.0.1:9999/');
    expect(asked).toHaveLength(2);
    expect(opened).toContain('http://127.0.0.1:9999/');
    // Never anything but http(s).
    await open('file:///etc/passwd');
    expect(opened).not.toContain('file:///etc/passwd');
  });
});
