import { Command } from 'commander';
import { COMMAND_MODULES, invokedModule } from './commands/index.js';

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

// Only the invoked command's module is imported (commands/index.ts says why); without one,
// every command is listed from its summary, and nothing else is loaded.
const invoked = invokedModule(process.argv.slice(2));
if (invoked) (await invoked.load())(program);
else
  for (const module of COMMAND_MODULES)
    module.names.forEach((name, i) => program.command(name).description(module.summaries[i] ?? ''));

/**
 * One line naming the problem and a non-zero exit; never a stack dump. The error catalogue
 * (and graphql with it) is loaded here, not at start: `meshgate --help` needs neither.
 */
async function fail(error: unknown): Promise<never> {
  const { ErrorCode, StartupError } = await import('../common/errors.js');
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
