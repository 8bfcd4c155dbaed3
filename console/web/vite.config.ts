import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The web app is built once (npm ci's `prepare`, or at first start) into dist/, which the
// console server serves. Everything is bundled: the page loads nothing from elsewhere.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // No inline assets: the CSP allows no data: scripts, and one file per asset is simpler to serve.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'es2022',
  },
});
