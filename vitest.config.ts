import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Generous: CLI tests start real processes (tsx compiles the sources) on 2 shared cores.
    testTimeout: 60_000,
    hookTimeout: 30_000,
  },
});
