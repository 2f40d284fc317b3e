import { defineConfig } from 'vitest/config';

// `npm run test:faults`: the slow fault scripts (test/faults/*.slow.test.ts); the fast ones run in `npm test`.
export default defineConfig({
  test: {
    include: ['test/faults/**/*.slow.test.ts'],
    environment: 'node',
    testTimeout: 900_000,
    hookTimeout: 600_000,
    pool: 'forks',
    maxWorkers: 1,
  },
});
