import type { Command } from 'commander';

/** One command module: the top-level command names it registers and how to load it. */
export interface CommandModule {
  readonly names: readonly string[];
  /**
   * One line per name for `meshgate --help`, which lists the commands without importing any
   * module (it answers in a few tens of milliseconds); the module's own description serves
   * `meshgate <command> --help`.
   */
  readonly summaries: readonly string[];
  load(): Promise<(program: Command) => void>;
}

/**
 * Every `meshgate` command, in the order `--help` lists them. Each module is imported only
 * when needed: a command's module pulls in its own part of the codebase (the gateway, the
 * products, composition, PGlite), and importing all of them made every invocation — even
 * `meshgate token` — pay for all of them at start-up.
 */
export const COMMAND_MODULES: readonly CommandModule[] = [
  {
    names: ['start'],
    summaries: ['run the whole mesh on the embedded defaults: five data products and the gateway'],
    load: async () => (await import('./start.js')).registerStartCommand,
  },
  {
    names: ['gateway'],
    summaries: ['serve a supergraph (any valid one) through the gateway'],
    load: async () => (await import('./gateway.js')).registerGatewayCommand,
  },
  {
    names: ['subgraph'],
    summaries: ['run one data product alone, as its domain team deploys it'],
    load: async () => (await import('./subgraph.js')).registerSubgraphCommand,
  },
  {
    names: ['compose'],
    summaries: ['compose the data products into schema/supergraph.graphql'],
    load: async () => (await import('./compose.js')).registerComposeCommand,
  },
  {
    names: ['check'],
    summaries: [
      'check a schema change: composition, breaking changes and their consumers, governance standards, policy coverage',
    ],
    load: async () => (await import('./check.js')).registerCheckCommand,
  },
  {
    names: ['distributed'],
    summaries: ['run the compose topology as separate processes: five subgraphs on PostgreSQL, two gateways'],
    load: async () => (await import('./distributed.js')).registerDistributedCommand,
  },
  {
    names: ['lineage'],
    summaries: ['who read what: query, tail, consumers, OpenLineage export'],
    load: async () => (await import('./lineage.js')).registerLineageCommand,
  },
  {
    names: ['publish', 'rollback', 'registry'],
    summaries: [
      "check a data product version and, if it passes, put it in the registry's supergraph",
      "put a data product's previous version back in service",
      "the schema registry: what is in service, a product's history, the audit log, the service",
    ],
    load: async () => (await import('./registry.js')).registerRegistryCommands,
  },
  {
    names: ['catalog'],
    summaries: [
      'list the data products: owner, SLOs, fields with classification and policies, consumers, health',
    ],
    load: async () => (await import('./catalog.js')).registerCatalogCommand,
  },
  {
    names: ['slo'],
    summaries: ['data product health: SLIs per window against the SLA, error budget, burn rates, reasons'],
    load: async () => (await import('./slo.js')).registerSloCommand,
  },
  {
    names: ['product'],
    summaries: ['data products: scaffold a new one'],
    load: async () => (await import('./product.js')).registerProductCommand,
  },
  {
    names: ['contract'],
    summaries: ["data products' contracts (Open Data Contract Standard v3.1)"],
    load: async () => (await import('./contract.js')).registerContractCommand,
  },
  {
    names: ['quality'],
    summaries: ["data products' quality rules and freshness"],
    load: async () => (await import('./quality.js')).registerQualityCommand,
  },
  {
    names: ['token'],
    summaries: ['print a bearer token the local gateway accepts (development key or JWT_SECRET)'],
    load: async () => (await import('./token.js')).registerTokenCommand,
  },
  {
    names: ['policy'],
    summaries: ['test and explain the policies in POLICY_DIR'],
    load: async () => (await import('./policy.js')).registerPolicyCommand,
  },
  {
    names: ['cache'],
    summaries: ['the entity cache: stats, invalidation'],
    load: async () => (await import('./cache.js')).registerCacheCommand,
  },
  {
    names: ['alerts'],
    summaries: ['alerting on data product SLOs'],
    load: async () => (await import('./alerts.js')).registerAlertsCommand,
  },
  {
    names: ['incidents'],
    summaries: ['incidents the gateway opened: burn alerts, blocking quality rules, stale data'],
    load: async () => (await import('./incidents.js')).registerIncidentsCommand,
  },
  {
    names: ['access'],
    summaries: ['request, review and audit access to data products'],
    load: async () => (await import('./access.js')).registerAccessCommand,
  },
];

/** Program-level options that take a value: the word after them is not a command name. */
const OPTIONS_WITH_VALUE = new Set(['--config']);

/**
 * The module that registers the command `argv` (the command-line words after the script) runs:
 * the first word that is not an option names it (`help X` names X). Null when there is none or
 * it is unknown (`--help`, a typo): the program then lists every command from its summary
 * alone (cli.ts), and commander's "unknown command" suggestion sees every name.
 */
export function invokedModule(argv: readonly string[]): CommandModule | null {
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    if (OPTIONS_WITH_VALUE.has(word)) {
      i++;
      continue;
    }
    if (word.startsWith('-')) continue;
    if (word === 'help' && !help) {
      help = true;
      continue;
    }
    return COMMAND_MODULES.find((m) => m.names.includes(word)) ?? null;
  }
  return null;
}
