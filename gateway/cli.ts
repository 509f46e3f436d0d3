import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { composeSupergraph } from '../schema/compose.js';
import { dataProducts, findDataProduct } from '../subgraphs/index.js';
import { startSubgraph } from '../subgraphs/kit/server.js';
import { loadConfig, type MeshgateConfig } from './config.js';
import { ErrorCode, StartupError } from './errors.js';
import { EXAMPLE_QUERY } from './example-query.js';
import { createLogger, type Logger } from './logger.js';
import { startMesh } from './mesh.js';
import { startGateway } from './server.js';

/** `meshgate`, the package's command. Each subcommand is a thin shell over a module. */
const program = new Command('meshgate')
  .description('GraphQL federation gateway over domain data products')
  .showHelpAfterError();

const portOption = () => new Option('-p, --port <port>', 'port to listen on (default: PORT, then the default port)');

program
  .command('start')
  .description('run the whole mesh on the embedded defaults: five data products and the gateway')
  .addOption(portOption())
  .action(async (options: { port?: string }) => {
    const config = loadConfig(process.env, { port: options.port });
    const logger = createLogger(config.logLevel);
    const mesh = await startMesh(config, logger, { ports: 'default', persistent: true });
    printBanner(config, mesh.gateway.url, mesh.subgraphs);
    stopOnSignal(logger, () => mesh.stop());
  });

program
  .command('gateway')
  .description('serve a supergraph (any valid one) through the gateway')
  .option('-s, --supergraph <file>', 'composed supergraph to serve (default: SUPERGRAPH_PATH)')
  .option('--introspect', 'development: compose from the live subgraphs in SUBGRAPH_URLS instead of a file')
  .addOption(portOption())
  .action(async (options: { supergraph?: string; introspect?: boolean; port?: string }) => {
    const config = loadConfig(process.env, { port: options.port, supergraphPath: options.supergraph, introspect: options.introspect });
    const logger = createLogger(config.logLevel);
    const gateway = await startGateway(config, logger);
    console.log(`meshgate gateway: ${gateway.url}`);
    stopOnSignal(logger, () => gateway.stop());
  });

program
  .command('subgraph')
  .description('run one data product alone, as its domain team deploys it')
  .argument('<name>', `data product: ${dataProducts.map((p) => p.name).join(', ')}`)
  .addOption(portOption())
  .action(async (name: string, options: { port?: string }) => {
    const product = findDataProduct(name);
    const config = loadConfig(process.env, { port: options.port ?? process.env.PORT ?? product.defaultPort });
    const logger = createLogger(config.logLevel, `meshgate-${name}`);
    const subgraph = await startSubgraph(product, {
      port: config.port,
      host: config.host,
      databaseUrl: config.databaseUrl,
      dataDir: config.databaseUrl ? undefined : resolve(config.stateDir, 'pglite', name),
    });
    logger.info({ url: subgraph.url, storage: subgraph.db.kind, seed: subgraph.seeded }, 'subgraph ready');
    console.log(`meshgate subgraph ${name}: ${subgraph.url}`);
    stopOnSignal(logger, () => subgraph.stop());
  });

program
  .command('compose')
  .description('compose the data products into schema/supergraph.graphql')
  .option('-o, --out <file>', 'where to write the supergraph', 'schema/supergraph.graphql')
  .option('--check', 'write nothing; exit 1 if the file is not what composition gives')
  .action((options: { out: string; check?: boolean }) => {
    const result = composeSupergraph(
      dataProducts.map((p) => ({ name: p.name, url: `http://localhost:${p.defaultPort}/graphql`, sdl: p.sdl })),
    );
    if (!result.ok) {
      for (const error of result.errors) {
        console.error(`error[${error.code}] (${error.subgraphs.join(', ') || 'supergraph'}): ${error.message}`);
      }
      throw new StartupError(ErrorCode.COMPOSITION_FAILED, `composition failed with ${result.errors.length} error(s)`);
    }
    for (const hint of result.hints) console.error(`hint[${hint.code}] (${hint.subgraphs.join(', ')}): ${hint.message}`);
    const out = resolve(options.out);
    if (options.check) {
      const current = readFileSync(out, 'utf8');
      if (current !== result.supergraphSdl) {
        throw new StartupError(ErrorCode.COMPOSITION_FAILED, `${options.out} is out of date: run "npm run compose" and commit it`);
      }
      console.log(`${options.out} is up to date (${dataProducts.length} subgraphs)`);
      return;
    }
    writeFileSync(out, result.supergraphSdl);
    console.log(`composed ${dataProducts.length} subgraphs into ${options.out}`);
  });

function printBanner(config: MeshgateConfig, url: string, subgraphs: readonly { name: string; url: string }[]) {
  const storage = config.databaseUrl ? 'PostgreSQL (DATABASE_URL)' : `embedded PGlite in ${config.stateDir}/pglite`;
  const body = JSON.stringify({ query: EXAMPLE_QUERY.replace(/\s+/g, ' ') });
  console.log(
    [
      '',
      `meshgate is up: ${url}`,
      `  data products: ${subgraphs.map((s) => `${s.name} ${s.url}`).join('\n                 ')}`,
      `  storage:       ${storage}`,
      `  health:        ${url.replace('/graphql', '/health')}   ready: ${url.replace('/graphql', '/ready')}`,
      '',
      'Try the example query (one order across all five data products):',
      '',
      `curl -s ${url} -H 'content-type: application/json' -d '${body.replace(/'/g, "'\\''")}'`,
      '',
    ].join('\n'),
  );
}

function stopOnSignal(logger: Logger, stop: () => Promise<void>) {
  let stopping = false;
  const onSignal = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal).on('SIGTERM', onSignal);
}

/** One line naming the problem and a non-zero exit; never a stack dump. */
function fail(error: unknown): never {
  if (error instanceof StartupError) {
    console.error(`meshgate: error[${error.code}]: ${error.message}`);
  } else {
    console.error(`meshgate: error[${ErrorCode.INTERNAL_SERVER_ERROR}]: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.exit(1);
}

program.parseAsync(process.argv).catch(fail);
