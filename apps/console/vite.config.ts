import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * The web console: static files built next to the apps (dist/apps/console), served by the
 * gateway at `/`. No CDN and no inline script or style, so the gateway's strict CSP holds.
 */
export default defineConfig({
  root,
  base: '/',
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  // `npm run dev:console`: live reload, the API from a gateway started by `npm start`.
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
  build: {
    outDir: fileURLToPath(new URL('../../dist/apps/console', import.meta.url)),
    emptyOutDir: true,
    // Small enough to inline nothing: every asset is a file the CSP's 'self' allows.
    assetsInlineLimit: 0,
    target: 'es2022',
  },
});
