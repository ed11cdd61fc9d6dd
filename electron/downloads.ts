// Downloads in the desktop app (an attachment's "Download" button): Electron asks where to save
// through the session's `will-download`. The file goes into the app's downloads folder under a
// cleaned, unique name — the name the page suggested, never a path — and once complete the OS
// opens it, but only if it is a file this module saved there itself and of a kind that opens
// in a viewer; anything that could run (programs, scripts, installers, web pages) is only shown
// in its folder.
import { existsSync } from 'node:fs';
import { basename, extname, join, resolve, sep } from 'node:path';

/** The parts of Electron's DownloadItem this module uses. */
export interface DownloadItemLike {
  getFilename(): string;
  setSavePath(path: string): void;
  once(event: 'done', listener: (event: unknown, state: 'completed' | 'cancelled' | 'interrupted') => void): unknown;
}

export interface SessionLike {
  on(event: 'will-download', listener: (event: unknown, item: DownloadItemLike) => void): unknown;
}

export interface DownloadShell {
  openPath(path: string): Promise<string>;
  showItemInFolder(path: string): void;
}

// Kinds the OS might run or render with scripts rather than show.
const neverOpened = new Set(
  (
    'exe msi msix bat cmd com scr pif cpl ps1 psm1 vbs vbe js jse wsf wsh hta jar sh bash zsh command ' +
    'app pkg dmg deb rpm appimage run bin lnk url desktop reg inf html htm xhtml shtml svg svgz mht xml ' +
    'xsl jnlp py pl rb php docm xlsm pptm dll so dylib iso img vhd'
  ).split(' '),
);

/** Whether the OS may open a file of this name in its viewer. */
export function opensSafely(name: string): boolean {
  const ext = extname(name).slice(1).toLowerCase();
  return ext !== '' && !neverOpened.has(ext);
}

/** A file name only: no folders, no control characters, nothing Windows refuses. */
export function safeDownloadName(suggested: string): string {
  const name = basename(suggested.replaceAll('\\', '/'))
    // eslint-disable-next-line no-control-regex -- control characters never belong in a file name
    .replace(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069<>:"|?*]/g, '_')
    .replace(/^[.\s]+|[.\s]+$/g, '');
  const stem = name.replace(/\.[^.]*$/, '');
  if (name === '' || /^(con|prn|aux|nul|com\d|lpt\d)$/i.test(stem)) return `download${name ? `-${name}` : ''}`;
  return name.slice(0, 200);
}

function unique(dir: string, name: string, taken: (path: string) => boolean): string {
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let n = 1; ; n++) {
    const path = join(dir, n === 1 ? name : `${stem} (${n})${ext}`);
    if (!taken(path)) return path;
  }
}

export class Downloads {
  /** Files this app saved and completed: the only ones it will ever ask the OS to open. */
  private readonly saved = new Set<string>();
  private readonly pending = new Set<string>();

  constructor(
    private readonly dir: () => string,
    private readonly shell: DownloadShell,
    private readonly exists: (path: string) => boolean = existsSync,
  ) {}

  attach(session: SessionLike): void {
    session.on('will-download', (_event, item) => this.onDownload(item));
  }

  onDownload(item: DownloadItemLike): string {
    const dir = resolve(this.dir());
    const path = unique(dir, safeDownloadName(item.getFilename()), (p) => this.pending.has(p) || this.exists(p));
    this.pending.add(path);
    item.setSavePath(path);
    item.once('done', (_event, state) => {
      this.pending.delete(path);
      if (state !== 'completed') return;
      this.saved.add(path);
      void this.open(path);
    });
    return path;
  }

  /** Opens a completed download in its viewer, or shows it in its folder. Refuses any other path. */
  async open(path: string): Promise<'opened' | 'shown' | 'refused'> {
    const dir = resolve(this.dir());
    const full = resolve(path);
    if (!this.saved.has(full) || !full.startsWith(dir + sep)) return 'refused';
    if (!opensSafely(full)) {
      this.shell.showItemInFolder(full);
      return 'shown';
    }
    const error = await this.shell.openPath(full);
    if (error) this.shell.showItemInFolder(full);
    return 'opened';
  }
}
