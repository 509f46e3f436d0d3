import { Command } from 'commander';
import { registerAccessCommand } from './commands/access.js';
import { registerAlertsCommand } from './commands/alerts.js';
import { registerCheckCommand } from './commands/check.js';
import { registerCacheCommand } from './commands/cache.js';
import { registerCatalogCommand } from './commands/catalog.js';
import { registerComposeCommand } from './commands/compose.js';
import { registerContractCommand } from './commands/contract.js';
import { registerDistributedCommand } from './commands/distributed.js';
import { registerGatewayCommand } from './commands/gateway.js';
import { registerIncidentsCommand } from './commands/incidents.js';
import { registerLineageCommand } from './commands/lineage.js';
import { registerPolicyCommand } from './commands/policy.js';
import { registerProductCommand } from './commands/product.js';
import { registerQualityCommand } from './commands/quality.js';
import { registerRegistryCommands } from './commands/registry.js';
import { registerSloCommand } from './commands/slo.js';
import { registerStartCommand } from './commands/start.js';
import { registerSubgraphCommand } from './commands/subgraph.js';
import { registerTokenCommand } from './commands/token.js';
import { ErrorCode, StartupError } from '../common/errors.js';

/** `meshgate`, the package's command. Each subcommand lives in `commands/`, one file each. */
const program = new Command('meshgate')
  .description('GraphQL federation gateway over domain data products')
  .showHelpAfterError()
  .option(
    '--config <file>',
    'configuration file (YAML or JSON) of meshgate variables; the environment wins (MESHGATE_CONFIG)',
  )
  // Every command loads its configuration with loadConfig(process.env): the flag reaches it as MESHGATE_CONFIG.
  .hook('preAction', (command) => {
    const file = command.opts<{ config?: string }>().config;
    if (file) process.env.MESHGATE_CONFIG = file;
  });

for (const register of [
  registerStartCommand,
  registerGatewayCommand,
  registerSubgraphCommand,
  registerComposeCommand,
  registerCheckCommand,
  registerDistributedCommand,
  registerLineageCommand,
  registerRegistryCommands,
  registerCatalogCommand,
  registerSloCommand,
  registerProductCommand,
  registerContractCommand,
  registerQualityCommand,
  registerTokenCommand,
  registerPolicyCommand,
  registerCacheCommand,
  registerAlertsCommand,
  registerIncidentsCommand,
  registerAccessCommand,
]) {
  register(program);
}

/** One line naming the problem and a non-zero exit; never a stack dump. */
function fail(error: unknown): never {
  if (error instanceof StartupError) {
    console.error(`meshgate: error[${error.code}]: ${error.message}`);
  } else {
    console.error(
      `meshgate: error[${ErrorCode.INTERNAL_SERVER_ERROR}]: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  process.exit(1);
}

program.parseAsync(process.argv).catch(fail);
