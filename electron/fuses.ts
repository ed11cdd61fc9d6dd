// Electron fuses: features of the Electron binary switched off (or on) for good when the app is
// packaged, before signing, so the OS's code signature keeps them that way. Set through
// electron-builder's `electronFuses` (it flips them with @electron/fuses) from the configuration
// `npm run dist` writes (dist.ts); electron-builder.yml stays the base it extends.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** electron-builder's FuseOptionsV1, each set on purpose. */
export const desktopFuses = {
  // ELECTRON_RUN_AS_NODE would turn the signed app into a plain Node.js runtime for any script.
  runAsNode: false,
  // NODE_OPTIONS could preload code (--require) into the main process...
  enableNodeOptionsEnvironmentVariable: false,
  // ...and --inspect would open a debugger on it.
  enableNodeCliInspectArguments: false,
  // The app's code is loaded only from app.asar, and app.asar only if its hash matches the one
  // embedded at packaging (macOS, Windows): a tampered archive does not start.
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  // The window's cookies are stored encrypted with the OS keychain, as Chrome's are.
  enableCookieEncryption: true,
  // The UI is served over http from the embedded server; file:// needs no extra privileges.
  grantFileProtocolExtraPrivileges: false,
  loadBrowserProcessSpecificV8Snapshot: false,
} as const;

export interface BuilderConfig {
  extends: string;
  electronFuses: typeof desktopFuses;
}

/** The packaging configuration: electron-builder.yml (relative to the project) plus the fuses. */
export function builderConfig(): BuilderConfig {
  return { extends: './electron-builder.yml', electronFuses: desktopFuses };
}

/** Writes builderConfig() as JSON for `electron-builder --config <file>`; returns the file. */
export function writeBuilderConfig(file: string): string {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(builderConfig(), null, 2)}\n`);
  return file;
}
