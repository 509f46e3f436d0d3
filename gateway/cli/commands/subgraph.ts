import { resolve } from 'node:path';
import type { Command } from 'commander';
import { dataProducts, findDataProduct } from '../../../subgraphs/index.js';
import { startSubgraph } from '../../../subgraphs/kit/server.js';
import { loadConfig } from '../../config/config.js';
import { createLogger } from '../../common/logger.js';
import { portOption, stopOnSignal } from './lifecycle.js';
import { contextTokenVerificationKey } from '../../subgraph-fetch/context-token.js';
import { acquireTracing } from '../../observability/tracing/index.js';
import { openQualityStore } from '../../health/open-quality-store.js';
import { startQualitySchedule } from '../../health/quality-schedule.js';

/** `meshgate subgraph NAME`: one data product alone, as its domain team deploys it. */
export function registerSubgraphCommand(program: Command): void {
  program
    .command('subgraph')
    .description('run one data product alone, as its domain team deploys it')
    .argument('<name>', `data product: ${dataProducts.map((p) => p.name).join(', ')}`)
    .addOption(portOption())
    .action(async (name: string, options: { port?: string }) => {
      const product = findDataProduct(name);
      // The product's own port unless PORT or --port says otherwise.
      const config = loadConfig(process.env, { port: options.port, defaultPort: product.defaultPort });
      const logger = createLogger(config.logLevel, `meshgate-${name}`);
      // OpenTelemetry (OTEL_* set): a product alone exports its own spans, as `meshgate-<name>`
      // unless OTEL_SERVICE_NAME says otherwise; its spans continue the gateway's traceparent.
      const tracing = acquireTracing(config.tracing, { defaultServiceName: `meshgate-${name}` });
      const subgraph = await startSubgraph(product, {
        port: config.port,
        host: config.host,
        databaseUrl: config.databaseUrl,
        contextKey: contextTokenVerificationKey(config.security.contextToken, config.stateDir),
        dataDir: config.databaseUrl ? undefined : resolve(config.stateDir, 'pglite', name),
        logger,
      });
      logger.info({ url: subgraph.url, storage: subgraph.db.kind, seed: subgraph.seeded }, 'subgraph ready');
      console.log(`meshgate subgraph ${name}: ${subgraph.url}`);
      // Its quality rules and freshness in its own database, into the shared quality store the
      // gateways read (REDIS_URL): in `meshgate distributed` no gateway holds this database.
      const qualityStore =
        config.quality.enabled && config.quality.redis ? openQualityStore(config.quality) : null;
      const quality =
        qualityStore &&
        startQualitySchedule({
          targets: [{ descriptor: product.descriptor, db: subgraph.db }],
          store: qualityStore.store,
          config: config.quality,
          logger,
        });
      const service = {
        async stop() {
          await quality?.stop();
          await qualityStore?.close();
          await subgraph.stop();
          // Flushes the spans still batched.
          await tracing?.release();
        },
      };
      stopOnSignal(logger, service, { timeoutMs: config.shutdownTimeoutMs });
    });
}
