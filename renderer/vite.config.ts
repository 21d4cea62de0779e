/**
 * Builds the Latchkey window into renderer/dist (`npm run build:ui` runs `vite build renderer`).
 * Hashed files land under /assets/ui/ so the broker can cache them for a year; the module
 * preload polyfill is off because it is an inline script, which the page's CSP forbids.
 */
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets/ui',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
    target: 'es2022',
  },
});
