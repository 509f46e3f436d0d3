import type { Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { createLogger } from '../../common/logger.js';
import { startGateway } from '../../server.js';
import { portOption, stopOnSignal } from './lifecycle.js';

/** `meshgate gateway`: serve any valid supergraph. */
export function registerGatewayCommand(program: Command): void {
  program
    .command('gateway')
    .description('serve a supergraph (any valid one) through the gateway')
    .option('-s, --supergraph <file>', 'composed supergraph to serve (default: SUPERGRAPH_PATH)')
    .option('--introspect', 'development: compose from the live subgraphs in SUBGRAPH_URLS instead of a file')
    .option(
      '--registry',
      "serve the registry's supergraph and hot-reload it as teams publish (SUPERGRAPH_SOURCE=registry)",
    )
    .addOption(portOption())
    .action(
      async (options: { supergraph?: string; introspect?: boolean; registry?: boolean; port?: string }) => {
        const config = loadConfig(process.env, {
          port: options.port,
          supergraphPath: options.supergraph,
          introspect: options.introspect,
          registry: options.registry,
        });
        const logger = createLogger(config.logLevel);
        const gateway = await startGateway(config, logger);
        console.log(`meshgate gateway: ${gateway.url}`);
        stopOnSignal(logger, gateway, { timeoutMs: config.shutdownTimeoutMs });
      },
    );
}
