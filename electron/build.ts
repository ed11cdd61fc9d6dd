// Builds the desktop shell for Electron: the main process as one ESM file with our TypeScript
// inlined (npm packages stay external: electron-builder ships node_modules, and better-sqlite3
// must be the copy rebuilt for Electron), and the preload as CommonJS, which a sandboxed
// preload requires.
import { build } from 'esbuild';

const common = { bundle: true, platform: 'node', target: 'node22', sourcemap: true, logLevel: 'info' } as const;

await build({
  ...common,
  entryPoints: ['electron/main.ts'],
  outfile: 'dist/electron/main.js',
  format: 'esm',
  packages: 'external',
});
await build({
  ...common,
  entryPoints: ['electron/preload.ts'],
  outfile: 'dist/electron/preload.cjs',
  format: 'cjs',
  external: ['electron'],
});
