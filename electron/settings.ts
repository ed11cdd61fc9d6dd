// The desktop's own settings, a small JSON file in the user-data folder.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

const Settings = z.object({
  /** Share the API and UI on the local network (off by default). */
  lanEnabled: z.boolean().default(false),
  /** The interface to bind when sharing: 0.0.0.0 means all. */
  lanHost: z.string().default('0.0.0.0'),
  /** Preferred port; another free one is used if it is taken. */
  port: z.number().int().min(0).max(65535).default(4870),
});

export type DesktopSettings = z.output<typeof Settings>;

export function loadSettings(file: string): DesktopSettings {
  try {
    return Settings.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch {
    // Missing or unreadable: start from the defaults rather than refuse to open.
    return Settings.parse({});
  }
}

/** Written to a temporary file and renamed, so a crash never leaves half a file. */
export function saveSettings(file: string, settings: DesktopSettings): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, file);
}
