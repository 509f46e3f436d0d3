import { Command } from 'commander';
import { commandModulesFor } from './commands/index.js';
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

// Only the invoked command's module is imported (commands/index.ts says why).
const modules = commandModulesFor(process.argv.slice(2));
for (const register of await Promise.all(modules.map((m) => m.load()))) {
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
