// Bundles the CLI into dist/server/cli.js so `npm start` and the benchmark start in a fraction
// of the time tsx needs to compile the sources (npm packages stay external). bin/localdesk.js
// keeps running the sources, so it can never run stale code.
import { build } from 'esbuild';

await build({
  entryPoints: ['server/main.ts'],
  outfile: 'dist/server/cli.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
