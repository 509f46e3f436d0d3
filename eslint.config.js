// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

export default tseslint.config(
  { ignores: ['node_modules/**', '.meshgate/**', 'bench/results/**', 'coverage/**', 'dist/**', 'dist.*/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  // The plain JavaScript that runs before anything is compiled (the bin, the build, the
  // static checks of `npm test`) runs in Node.
  {
    files: ['gateway/cli/bin/*.js', 'gateway/cli/bin/*.mjs', 'scripts/*.mjs'],
    languageOptions: {
      globals: { URL: 'readonly', console: 'readonly', performance: 'readonly', process: 'readonly' },
    },
  },
  {
    files: ['**/*.ts', 'gateway/console/web/**/*.tsx'],
    plugins: { 'import-x': importX },
    settings: {
      // Resolves our `./x.js` imports to `./x.ts`, as TypeScript's NodeNext resolution does.
      'import-x/resolver-next': [createTypeScriptImportResolver()],
      // import-x parses an imported file only if its extension is listed here (default: .js
      // only). Without .ts every import edge between our sources was skipped, so no-cycle,
      // while on, saw no graph and reported nothing (registry-supergraph ↔ supergraph-source).
      'import-x/extensions': ['.ts', '.tsx', '.js'],
      'import-x/parsers': { '@typescript-eslint/parser': ['.ts', '.tsx'] },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'import-x/no-cycle': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    // Tests and the benchmark may poke at internals; product code may not import them.
    files: ['gateway/**/*.ts', 'gateway/console/web/**/*.tsx', 'subgraphs/**/*.ts', 'schema/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/test/**', '**/bench/**'], message: 'Product code must not import test or bench helpers.' }] }],
    },
  },
  {
    // Dependencies point one way (ARCHITECTURE.md): the platform serves whatever domain teams
    // publish, so nothing of it reads the example mesh in subgraphs/, except the launchers that
    // run it (the composition root) and the fallbacks below.
    files: ['gateway/**/*.ts', 'gateway/console/web/**/*.tsx', 'schema/**/*.ts'],
    ignores: [
      // Launchers of the example mesh: `start`, `distributed`, `subgraph`, `compose`.
      'gateway/cli/mesh.ts',
      'gateway/cli/distributed.ts',
      'gateway/cli/commands/start.ts',
      'gateway/cli/commands/distributed.ts',
      'gateway/cli/commands/subgraph.ts',
      'gateway/cli/commands/compose.ts',
      // Unit tests that take the example mesh as their fixture.
      'gateway/health/quality-admin.test.ts',
      'gateway/health/quality-schedule.test.ts',
      'gateway/health/quality/quality.test.ts',
      'gateway/policy/classification.test.ts',
      'gateway/subgraph-fetch/entity-cache/freshness.test.ts',
      'gateway/supergraph/registry-supergraph.test.ts',
      'schema/compose.test.ts',
      'schema/contract/contract.test.ts',
      'schema/registry/registry.test.ts',
    ],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: import.meta.dirname,
          zones: [
            {
              target: ['./gateway', './schema'],
              from: './subgraphs',
              message: 'The platform must not import the example mesh; what it shares with products is in gateway/protocol/.',
            },
          ],
        },
      ],
    },
  },
  {
    // A data product imports only the protocol and gateway/common/, never a stage of the gateway.
    files: ['subgraphs/**/*.ts'],
    rules: {
      'import-x/no-restricted-paths': [
        'error',
        {
          basePath: import.meta.dirname,
          zones: [
            {
              target: './subgraphs',
              from: './gateway',
              except: ['./protocol', './common'],
              message: 'A data product imports only gateway/protocol/ and gateway/common/.',
            },
          ],
        },
      ],
    },
  },
);
