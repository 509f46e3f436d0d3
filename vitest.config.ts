import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// One graphql instance, as under plain Node: vite would pick graphql's ESM build for our code
// while @apollo/gateway requires the CommonJS one, and graphql refuses types from the other.
const graphqlCjs = createRequire(import.meta.url).resolve('graphql');

/**
 * Two projects: unit tests beside the code, and end-to-end tests in test/ that start services.
 * Both share the machine's workers (one group: vitest runs projects with different worker
 * counts one after the other): most e2e time is spent waiting on servers and child
 * processes, so a third worker keeps two cores busy.
 *
 * The e2e files run in parallel workers without isolation: each worker starts one shared mesh
 * (test/support/mesh.ts) and keeps it across its files, instead of seeding and starting five
 * subgraphs per file. Every file uses free ports, its own Redis key prefix and its own state
 * directory, so files run side by side. The meshes load a seeded PGlite copy written
 * once by the global setup (test/support/pglite-templates.ts).
 */
const UNIT = [
  'gateway/**/*.test.ts',
  'subgraphs/**/*.test.ts',
  'schema/**/*.test.ts',
  'policies/**/*.test.ts',
];
/** Unit tests that vi.mock a module: each needs a module graph of its own. */
const MOCKS_MODULES = ['gateway/supergraph/supergraph-model.test.ts'];
const unitSettings = {
  globalSetup: ['test/support/build-setup.ts'],
  testTimeout: 30_000,
  // Opening embedded PGlite takes seconds on a busy 2-core machine (15 s seen): a
  // database test's setup must not time out and skip its tests.
  hookTimeout: 90_000,
};

export default defineConfig({
  resolve: { alias: [{ find: /^graphql$/, replacement: graphqlCjs }] },
  test: {
    maxWorkers: 3,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          // One module graph per worker, not per file: importing the gateway's TypeScript again
          // for every file was most of the project's time (npm run test:unit, same machine,
          // one after the other: 66.0 s isolated, 37.2 s not). A file that replaces a module
          // (vi.mock) needs its own graph: it runs in unit-isolated below.
          isolate: false,
          include: UNIT,
          exclude: MOCKS_MODULES,
          ...unitSettings,
        },
      },
      {
        extends: true,
        test: { name: 'unit-isolated', include: MOCKS_MODULES, ...unitSettings },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/support/build-setup.ts', 'test/support/global-setup.ts'],
          pool: 'forks',
          isolate: false,
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});
