import type { Command } from 'commander';

/** One command module: the top-level command names it registers and how to load it. */
export interface CommandModule {
  readonly names: readonly string[];
  load(): Promise<(program: Command) => void>;
}

/**
 * Every `meshgate` command, in the order `--help` lists them. Each module is imported only
 * when needed: a command's module pulls in its own part of the codebase (the gateway, the
 * products, composition, PGlite), and importing all of them made every invocation — even
 * `meshgate token` — pay for all of them at start-up.
 */
export const COMMAND_MODULES: readonly CommandModule[] = [
  { names: ['start'], load: async () => (await import('./start.js')).registerStartCommand },
  { names: ['gateway'], load: async () => (await import('./gateway.js')).registerGatewayCommand },
  { names: ['subgraph'], load: async () => (await import('./subgraph.js')).registerSubgraphCommand },
  { names: ['compose'], load: async () => (await import('./compose.js')).registerComposeCommand },
  { names: ['check'], load: async () => (await import('./check.js')).registerCheckCommand },
  {
    names: ['distributed'],
    load: async () => (await import('./distributed.js')).registerDistributedCommand,
  },
  { names: ['lineage'], load: async () => (await import('./lineage.js')).registerLineageCommand },
  {
    names: ['publish', 'rollback', 'registry'],
    load: async () => (await import('./registry.js')).registerRegistryCommands,
  },
  { names: ['catalog'], load: async () => (await import('./catalog.js')).registerCatalogCommand },
  { names: ['slo'], load: async () => (await import('./slo.js')).registerSloCommand },
  { names: ['product'], load: async () => (await import('./product.js')).registerProductCommand },
  { names: ['contract'], load: async () => (await import('./contract.js')).registerContractCommand },
  { names: ['quality'], load: async () => (await import('./quality.js')).registerQualityCommand },
  { names: ['token'], load: async () => (await import('./token.js')).registerTokenCommand },
  { names: ['policy'], load: async () => (await import('./policy.js')).registerPolicyCommand },
  { names: ['cache'], load: async () => (await import('./cache.js')).registerCacheCommand },
  { names: ['alerts'], load: async () => (await import('./alerts.js')).registerAlertsCommand },
  { names: ['incidents'], load: async () => (await import('./incidents.js')).registerIncidentsCommand },
  { names: ['access'], load: async () => (await import('./access.js')).registerAccessCommand },
];

/** Program-level options that take a value: the word after them is not a command name. */
const OPTIONS_WITH_VALUE = new Set(['--config']);

/**
 * The modules needed to run `argv` (command-line words after the script): the one module that
 * registers the command named by the first word that is not an option, or all of them when
 * there is none or it is unknown (`--help`, `help`, a typo), so help and commander's
 * "unknown command" suggestions see every command as before.
 */
export function commandModulesFor(argv: readonly string[]): readonly CommandModule[] {
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (OPTIONS_WITH_VALUE.has(word)) {
      i++;
      continue;
    }
    if (word.startsWith('-')) continue;
    const module = COMMAND_MODULES.find((m) => m.names.includes(word));
    return module ? [module] : COMMAND_MODULES;
  }
  return COMMAND_MODULES;
}
