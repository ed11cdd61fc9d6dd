// Downloads in the desktop shell, with Electron's session, download items and shell stood in.
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type DownloadItemLike, Downloads, opensSafely, safeDownloadName } from '../../electron/downloads.ts';

class FakeItem extends EventEmitter implements DownloadItemLike {
  savePath = '';
  constructor(private readonly name: string) {
    super();
  }
  getFilename() {
    return this.name;
  }
  setSavePath(path: string) {
    this.savePath = path;
  }
  finish(state: 'completed' | 'cancelled' | 'interrupted') {
    this.emit('done', {}, state);
  }
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'localdesk-downloads-'));
  dirs.push(dir);
  const opened: string[] = [];
  const shown: string[] = [];
  const session = new EventEmitter();
  const downloads = new Downloads(() => dir, {
    openPath: (path) => {
      opened.push(path);
      return Promise.resolve('');
    },
    showItemInFolder: (path) => shown.push(path),
  });
  downloads.attach(session as never);
  const download = async (name: string, state: 'completed' | 'cancelled' = 'completed') => {
    const item = new FakeItem(name);
    session.emit('will-download', {}, item);
    writeFileSync(item.savePath, 'x');
    item.finish(state);
    await new Promise((r) => setImmediate(r));
    return item.savePath;
  };
  return { dir, opened, shown, downloads, download };
}

describe('desktop downloads', () => {
  it('saves into the downloads folder under the suggested name only, and opens a PDF in its viewer', async () => {
    const { dir, opened, download } = setup();
    const path = await download('invoice 2026.pdf');
    expect(path).toBe(join(dir, 'invoice 2026.pdf'));
    expect(opened).toEqual([path]);
    // The same name again gets its own file.
    expect(await download('invoice 2026.pdf')).toBe(join(dir, 'invoice 2026 (2).pdf'));
  });

  it('never saves outside the folder, whatever name the page suggests', async () => {
    const { dir, download } = setup();
    for (const name of ['../../etc/passwd', '..\\..\\evil.txt', '/tmp/abs.txt', 'a\u0000b.txt', '..', 'CON.txt']) {
      const path = await download(name);
      expect(path.startsWith(`${dir}/`)).toBe(true);
      // eslint-disable-next-line no-control-regex -- a NUL must not reach the file name
      expect(path.slice(dir.length + 1)).not.toMatch(/[/\\\u0000]/);
    }
  });

  it('only shows programs, scripts and web pages in their folder, never opens them', async () => {
    const { opened, shown, download } = setup();
    for (const name of ['setup.exe', 'run.sh', 'page.html', 'logo.svg', 'tool.AppImage', 'noext']) {
      const path = await download(name);
      expect(shown).toContain(path);
    }
    expect(opened).toEqual([]);
    expect(opensSafely('photo.PNG')).toBe(true);
    expect(opensSafely('x.desktop')).toBe(false);
  });

  it('opens nothing for a cancelled download, and refuses paths it did not save itself', async () => {
    const { opened, shown, downloads, download } = setup();
    await download('half.pdf', 'cancelled');
    expect(await downloads.open('/etc/passwd')).toBe('refused');
    expect(await downloads.open(join(tmpdir(), 'other.pdf'))).toBe('refused');
    expect(opened).toEqual([]);
    expect(shown).toEqual([]);
    expect(safeDownloadName('')).toBe('download');
  });
});
