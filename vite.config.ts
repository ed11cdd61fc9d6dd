import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const api = 'http://127.0.0.1:4870';

export default defineConfig({
  root: resolve(import.meta.dirname, 'renderer'),
  base: '/',
  plugins: [react()],
  build: {
    outDir: resolve(import.meta.dirname, 'dist/renderer'),
    emptyOutDir: true,
    // The server's CSP is `script-src 'self'`: no inline polyfill, only external module scripts.
    modulePreload: { polyfill: false },
  },
  server: {
    proxy: { '/api': api, '/health': api, '/ready': api },
  },
});
