import type { Command } from 'commander';
import { loadConfig, type MeshgateConfig } from '../../config/config.js';
import { EXAMPLE_QUERY } from '../example-query.js';
import { createLogger } from '../../common/logger.js';
import { startMesh } from '../mesh.js';
import { portOption, stopOnSignal } from './lifecycle.js';

/** `meshgate start`: the whole mesh on the embedded defaults (this is `npm start`). */
export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('run the whole mesh on the embedded defaults: five data products and the gateway')
    .addOption(portOption())
    .action(async (options: { port?: string }) => {
      const config = loadConfig(process.env, { port: options.port });
      const logger = createLogger(config.logLevel);
      const mesh = await startMesh(config, logger, { ports: 'default', persistent: true, live: {} });
      printBanner(config, mesh.gateway.url, mesh.subgraphs);
      stopOnSignal(logger, mesh, { timeoutMs: config.shutdownTimeoutMs });
    });
}

function printBanner(
  config: MeshgateConfig,
  url: string,
  subgraphs: readonly { name: string; url: string }[],
) {
  const storage = config.databaseUrl
    ? 'PostgreSQL (DATABASE_URL)'
    : `embedded PGlite in ${config.stateDir}/pglite`;
  const body = JSON.stringify({ query: EXAMPLE_QUERY.replace(/\s+/g, ' ') });
  console.log(
    [
      '',
      `meshgate is up: ${url}`,
      `  data products: ${subgraphs.map((s) => `${s.name} ${s.url}`).join('\n                 ')}`,
      `  storage:       ${storage}`,
      `  health:        ${url.replace('/graphql', '/health')}   ready: ${url.replace('/graphql', '/ready')}`,
      `  console:       ${url.replace('/graphql', '/console/')}   sign in with: npx meshgate token --console`,
      '',
      'Try the example query (one order across all five data products):',
      '',
      `curl -s ${url} -H 'content-type: application/json' -d '${body.replace(/'/g, "'\\''")}'`,
      '',
    ].join('\n'),
  );
}
