// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

export default tseslint.config(
  { ignores: ['node_modules/**', '.meshgate/**', 'bench/results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
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
);
