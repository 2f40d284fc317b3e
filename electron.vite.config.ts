import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import type { Plugin } from 'vite';

/**
 * `electron-vite dev` injects <style> elements for hot reload, which the page's strict CSP
 * forbids; in the dev server only, allow inline styles. Built pages keep the strict policy.
 */
const devInlineStyles: Plugin = {
  name: 'adma-dev-inline-styles',
  apply: 'serve',
  transformIndexHtml: (html) => html.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
};

// Three explicit builds. Main also emits the plain-Node entries (CLI, web host, engine
// worker): they share the services with the Electron shell but never import `electron`.
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      externalizeDeps: true,
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src-main/index.ts'),
          cli: resolve(__dirname, 'src-main/cli/adma.ts'),
          host: resolve(__dirname, 'src-main/host/main.ts'),
          'engine-worker': resolve(__dirname, 'src-main/engine/worker.ts'),
          'label-writer': resolve(__dirname, 'src-main/project/label-writer-worker.ts'),
          'version-writer': resolve(__dirname, 'src-main/adaptation/version-writer-worker.ts'),
          'image-order': resolve(__dirname, 'src-main/project/image-order-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    plugins: [svelte(), devInlineStyles],
    build: {
      outDir: 'out/renderer',
      rollupOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html') } },
    },
  },
});
