import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// One graphql instance, as under plain Node: vite would pick graphql's ESM build for our code
// while @apollo/gateway requires the CommonJS one, and graphql refuses types from the other.
const graphqlCjs = createRequire(import.meta.url).resolve('graphql');

/**
 * Two projects: unit tests beside the code run in parallel; end-to-end tests in test/ run in
 * one worker, one file after another, without isolation, so they share one started mesh
 * (test/support/mesh.ts) instead of seeding and starting five subgraphs per file.
 */
export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlCjs }] },
  test: {
    projects: [
      {
        extends: true,
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
        extends: true,
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
