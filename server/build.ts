// Bundles the CLI into dist/server/cli.js so `npm start` and the benchmark start in a fraction
// of the time tsx needs to compile the sources (npm packages stay external). bin/localdesk.js
// keeps running the sources, so it can never run stale code.
import { build } from 'esbuild';

// The read pool (server/background/readPool.ts) loads its worker by URL beside the bundle.
await build({
  entryPoints: { cli: 'server/main.ts', readWorker: 'server/http/readWorker.ts' },
  outdir: 'dist/server',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
