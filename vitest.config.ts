import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  test: {
    // Generous: CI shares two cores with other work, and a CPU-bound test can run 4x slower there.
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/faults/**/*.test.ts'],
          // slow fault scripts run with `npm run test:faults` (vitest.faults.config.ts)
          exclude: ['**/node_modules/**', 'test/unit/renderer-stores/**', 'test/faults/**/*.slow.test.ts'],
          environment: 'node',
        },
      },
      {
        // Renderer stores (Svelte 5 rune classes) compiled for the browser runtime, run in Node
        // against a fake API or the real handlers.
        extends: true,
        plugins: [svelte()],
        test: { name: 'stores', include: ['test/unit/renderer-stores/**/*.test.ts'], environment: 'node' },
      },
    ],
  },
});
