import { defineConfig } from 'vitest/config';

/**
 * Two projects: unit tests beside the code run in parallel; end-to-end tests in test/ run in
 * one worker, one file after another, without isolation, so they share one started mesh
 * (test/support/mesh.ts) instead of seeding and starting five subgraphs per file.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'gateway/**/*.test.ts',
            'subgraphs/**/*.test.ts',
            'schema/**/*.test.ts',
            'policies/**/*.test.ts',
          ],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts'],
          pool: 'forks',
          maxWorkers: 1,
          isolate: false,
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
