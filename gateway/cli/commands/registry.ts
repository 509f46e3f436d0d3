import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { openRegistry } from '../../../schema/registry/open-registry.js';
import { publishSubgraph, rollbackSubgraph, type PublishOutcome } from '../../../schema/registry/publish.js';
import type { Registry } from '../../../schema/registry/types.js';
import { dataProducts, findDataProduct } from '../../../subgraphs/index.js';
import { readDescriptor } from '../../protocol/index.js';
import { loadConfig, type MeshgateConfig } from '../../config/config.js';
import { ErrorCode, StartupError } from '../../common/errors.js';
import { registryChangeCheck } from './registry-check.js';

/**
 * `meshgate publish`, `meshgate rollback`, `meshgate registry`: how a domain team puts a new
 * version of its data product in service without a central team, and takes it back.
 */
export function registerRegistryCommands(program: Command): void {
  program
    .command('publish')
    .description("check a subgraph change and, if it passes, put it in the registry's supergraph")
    .option('--subgraph <name>', 'the data product to publish')
    .option('--url <url>', 'where the gateway reaches the subgraph')
    .option('--schema <file>', "the subgraph's SDL (default: subgraphs/NAME/schema.graphql)")
    .option('--descriptor <file>', 'its data contract (default: subgraphs/NAME/contract.odcs.yaml)')
    .option(
      '--all',
      'publish every data product of this repository at its default URL (bootstraps a registry)',
    )
    .option('--as <who>', 'who publishes (recorded with the version)', userInfo().username)
    .action(
      async (options: {
        subgraph?: string;
        url?: string;
        schema?: string;
        descriptor?: string;
        all?: boolean;
        as: string;
      }) =>
        withRegistry(async (registry, config) => {
          const names = options.all
            ? dataProducts.map((p) => p.name)
            : [required(options.subgraph, '--subgraph')];
          for (const name of names) {
            const product = dataProducts.find((p) => p.name === name);
            const url =
              options.url ??
              (product ? `http://localhost:${product.defaultPort}/graphql` : required(options.url, '--url'));
            const outcome = await publishSubgraph(
              registry,
              {
                name,
                url,
                sdl: options.schema ? readFileOrFail(options.schema) : findDataProduct(name).sdl,
                descriptor: options.descriptor
                  ? readDescriptor(options.descriptor)
                  : (product?.descriptor ?? null),
                publishedBy: options.as,
              },
              registryChangeCheck(config),
            );
            report(outcome, registry);
          }
        }),
    );

  program
    .command('rollback')
    .description("put a subgraph's previous version back in service")
    .requiredOption('--subgraph <name>', 'the data product to roll back')
    .option('--as <who>', 'who rolls back (recorded with the version)', userInfo().username)
    .action(async (options: { subgraph: string; as: string }) =>
      withRegistry(async (registry) =>
        report(await rollbackSubgraph(registry, options.subgraph, options.as), registry),
      ),
    );

  program
    .command('registry')
    .description("print what is in service in the registry, and a subgraph's history")
    .option('--history <name>', 'list every version of one subgraph')
    .option('--json', 'print JSON')
    .action(async (options: { history?: string; json?: boolean }) =>
      withRegistry(async (registry) => {
        const state = await registry.state();
        const history = options.history ? await registry.history(options.history) : undefined;
        if (options.json) {
          console.log(
            JSON.stringify({ location: registry.location, ...state, ...(history && { history }) }, null, 2),
          );
          return;
        }
        const s = state.supergraph;
        console.log(`registry: ${registry.location}`);
        console.log(
          s
            ? `supergraph v${s.version} (${s.id}), ${s.reason}, by ${s.publishedBy} at ${s.composedAt}`
            : 'supergraph: none yet',
        );
        for (const sub of state.subgraphs)
          console.log(
            `  ${sub.name} v${sub.version}  ${sub.url}  by ${sub.publishedBy} at ${sub.publishedAt}`,
          );
        for (const h of history ?? [])
          console.log(`  history ${h.name} v${h.version}  ${h.url}  by ${h.publishedBy} at ${h.publishedAt}`);
      }),
    );
}

function report(outcome: PublishOutcome, registry: Registry): void {
  if (!outcome.published) {
    if (outcome.report) console.log(outcome.report);
    throw new StartupError(ErrorCode.PUBLISH_REJECTED, `change rejected; ${registry.location} is unchanged`);
  }
  const { subgraph, supergraph } = outcome;
  console.log(
    `${supergraph.reason}: supergraph v${supergraph.version} (${supergraph.id}) in ${registry.location}; ${subgraph.name} at ${subgraph.url}`,
  );
}

async function withRegistry(
  work: (registry: Registry, config: MeshgateConfig) => Promise<void>,
): Promise<void> {
  const config = loadConfig();
  const registry = openRegistry(config.registry);
  try {
    await work(registry, config);
  } catch (error) {
    if (error instanceof StartupError) throw error;
    throw new StartupError(
      ErrorCode.REGISTRY_UNAVAILABLE,
      `registry ${registry.location}: ${(error as Error).message}`,
      error,
    );
  } finally {
    await registry.close();
  }
}

function required(value: string | undefined, flag: string): string {
  if (!value) throw new StartupError(ErrorCode.CONFIG_INVALID, `${flag} is required`);
  return value;
}

function readFileOrFail(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw new StartupError(
      ErrorCode.CONFIG_INVALID,
      `cannot read ${path}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`,
      cause,
    );
  }
}
