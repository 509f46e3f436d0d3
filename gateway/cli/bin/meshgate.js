#!/usr/bin/env node
// The `meshgate` command: compiled JavaScript from dist/ (gateway/cli/bin/build.mjs), with no
// TypeScript loader at run time. A checkout compiles on `npm install` (prepare), and
// `npm start` / `npm test` compile again first, so dist/ follows the sources.
try {
  await import('../../../dist/gateway/cli/cli.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('/dist/gateway/cli/cli.js')) throw error;
  console.error('meshgate: error[NOT_BUILT]: dist/ is missing; run `npm run build` (or `npm install`) first');
  process.exit(1);
}
