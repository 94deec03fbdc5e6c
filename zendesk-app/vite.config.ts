import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The Zendesk app: `src/iframe.html` and what it loads become `dist/assets/` (the layout zcli
 * expects), with relative URLs so the same files work from Zendesk's CDN and the local
 * help-desk page. `assets/` (logos, screenshot) is copied as is. Manifest and translations are
 * copied by scripts/build.ts.
 */
export default defineConfig({
  root: fileURLToPath(new URL('./src', import.meta.url)),
  base: './',
  publicDir: fileURLToPath(new URL('./assets', import.meta.url)),
  logLevel: 'warn',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('./dist/assets', import.meta.url)),
    emptyOutDir: true,
    // Flat: dist/assets/iframe.html next to its script, as zcli's layout has it.
    assetsDir: '',
    target: 'es2022',
    // The iframe loads one small script and one stylesheet; nothing to split.
    modulePreload: false,
    rollupOptions: { input: fileURLToPath(new URL('./src/iframe.html', import.meta.url)) },
  },
});
