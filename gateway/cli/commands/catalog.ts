import type { Command } from 'commander';
import { localContractDescriptors } from '../../supergraph/contract-descriptors.js';
import { openRegistry } from '../../../schema/registry/open-registry.js';
import { buildCatalog } from '../../catalog/build-catalog.js';
import { catalogSources } from '../../catalog/catalog-sources.js';
import { descriptorsOf } from '../../supergraph/registry-supergraph.js';
import { supergraphModel } from '../../supergraph/supergraph-model.js';
import type { DataProductDescriptor } from '../../protocol/index.js';
import type { Catalog, CatalogEntry } from '../../catalog/types.js';
import { loadConfig, type MeshgateConfig } from '../../config/config.js';
import {
  askGateway,
  gatewayBase,
  gatewayOptions,
  gatewayToken,
  namedGateway,
  type GatewayFlags,
} from '../gateway-target.js';
import { ErrorCode, StartupError } from '../../common/errors.js';
import { lineageStore } from '../../lineage/create-lineage.js';
import { readPolicyFiles } from '../../policy/policy-file.js';
import { readSupergraphFile } from '../../supergraph/read-supergraph-file.js';
import { readSloFromRedis, sloProducts } from '../../health/index.js';
import type { ProductHealth } from '../../health/index.js';

/** `meshgate catalog`: what the gateway's /catalog serves, printed for a terminal or as JSON. */
export function registerCatalogCommand(program: Command): void {
  gatewayOptions(program.command('catalog'))
    .description(
      'list the data products: owner, SLOs, fields with classification and policies, consumers, health',
    )
    .option('--product <name>', 'only this data product')
    .option('--registry', "describe the registry's supergraph instead of SUPERGRAPH_PATH")
    .option('--json', 'print JSON')
    .action(async (options: GatewayFlags & { product?: string; registry?: boolean; json?: boolean }) => {
      const config = loadConfig();
      // A running gateway's catalog (--url or MESHGATE_URL): what its /catalog serves, from any directory.
      if (namedGateway(options)) {
        const catalog = await catalogFromGateway(config, options, options.product);
        console.log(options.json ? JSON.stringify(catalog, null, 2) : render(catalog));
        return;
      }
      // The registry's supergraph comes with the descriptors its teams published.
      const { sdl, descriptors } = options.registry
        ? await registrySupergraph(config.registry)
        : {
            sdl: readSupergraphFile(config.supergraph.source === 'introspect' ? '' : config.supergraph.path),
            // A supergraph file is the one-repository workflow: the contracts beside it describe it (CONTRACTS_DIR).
            descriptors: localContractDescriptors(config.contractsDir),
          };
      // Consumers come from the shared lineage store; a CLI's own in-memory store would be empty.
      const store = config.lineage.redis ? await lineageStore(config.lineage, { connect: true }) : null;
      const model = supergraphModel(sdl);
      // Measured SLOs come from the replicas' shared SLI store; without Redis they live in the gateway (GET /admin/slo).
      const slo =
        config.sli.enabled && config.sli.redis
          ? readSloFromRedis(config.sli, () => sloProducts(model, descriptors))
          : null;
      try {
        const catalog = await buildCatalog(
          catalogSources(
            config,
            model,
            store,
            readPolicyFiles(config.security.policy.dir),
            descriptors,
            slo?.status ?? null,
          ),
        );
        const products = catalog.products.filter((p) => !options.product || p.name === options.product);
        if (options.product && products.length === 0) {
          throw new StartupError(
            ErrorCode.UNKNOWN_SUBGRAPH,
            `no data product "${options.product}" in the supergraph`,
          );
        }
        console.log(
          options.json ? JSON.stringify({ ...catalog, products }, null, 2) : render({ ...catalog, products }),
        );
      } finally {
        await store?.close();
        await slo?.close();
      }
    });
}

async function registrySupergraph(
  config: Parameters<typeof openRegistry>[0],
): Promise<{ sdl: string; descriptors: readonly DataProductDescriptor[] }> {
  const registry = openRegistry(config);
  try {
    const { supergraph, subgraphs } = await registry.state();
    if (!supergraph)
      throw new StartupError(
        ErrorCode.REGISTRY_UNAVAILABLE,
        `registry ${registry.location} has no supergraph yet`,
      );
    return { sdl: supergraph.sdl, descriptors: descriptorsOf(subgraphs) };
  } finally {
    await registry.close();
  }
}

function render(catalog: Catalog): string {
  const lines = [`supergraph ${catalog.supergraphId}, consumers since ${catalog.consumersSince}`, ''];
  for (const product of catalog.products) lines.push(...renderProduct(product), '');
  return lines.join('\n');
}

function renderProduct(p: CatalogEntry): string[] {
  const d = p.descriptor;
  const health = p.health.status === 'up' ? `up (${p.health.latencyMs} ms)` : `DOWN (${p.health.error})`;
  const lines = [
    `${p.name}  ${d ? `v${d.version} · ${d.domain} · ${d.owner.team} <${d.owner.email}> · ${d.status}` : '(no descriptor)'}`,
    ...(d
      ? [`  ${d.description}`, `  SLO: freshness ${d.slo.freshness}, availability ${d.slo.availability}%`]
      : []),
    `  subgraph ${p.url}: ${health}`,
    ...renderDataHealth(p.dataHealth),
  ];
  for (const type of p.types) {
    lines.push(`  ${type.name}`);
    for (const field of type.fields) {
      const classified = field.classification.length ? ` [${field.classification.join(', ')}]` : '';
      const policies = field.policies.length ? `  policies: ${field.policies.join(', ')}` : '';
      lines.push(`    ${field.name}: ${field.type}${classified}${policies}`);
    }
  }
  if (p.consumers === null) lines.push('  consumers: unknown (no REDIS_URL: lineage is in memory)');
  else if (p.consumers.length === 0) lines.push('  consumers: none in the window');
  else
    for (const c of p.consumers)
      lines.push(
        `  consumer ${c.principal}: ${c.count} operations, last ${c.lastSeen}, fields ${c.fields.join(', ')}`,
      );
  return lines;
}

/** The health signal, the declared SLA and what was measured, each labelled. */
function renderDataHealth(h: CatalogEntry['dataHealth']): string[] {
  if (!h) return ['  health: not measured here (no REDIS_URL: SLIs live in the gateway, GET /admin/slo)'];
  const lines = [`  health: ${h.state.toUpperCase()}`, ...h.reasons.map((r) => `    - ${r}`)];
  if (h.declared)
    lines.push(
      `  SLA declared: availability ${h.declared.availabilityPercent}%, p95 ≤ ${h.declared.latencyP95Ms} ms, errors ≤ ${h.declared.errorRatePercent}%, freshness ≤ ${h.declared.freshness.maxLagSeconds} s`,
    );
  lines.push(`  SLA measured: ${measuredLine(h.measured)}`);
  return lines;
}

function measuredLine(m: ProductHealth['measured']): string {
  const hour = m.windows['1h'];
  const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(3)}%`);
  const ms = (v: number | null) => (v === null ? '–' : `${v.toFixed(1)} ms`);
  return `1h availability ${pct(hour.availability)} of ${hour.fetches} fetches, p95 ${ms(hour.latencyMs.p95)}, errors ${pct(hour.errorRate)}; 30d budget left ${pct(m.errorBudgetRemaining)}`;
}

/** GET /catalog[/:product] of a running gateway, as a catalog reader. */
async function catalogFromGateway(
  config: MeshgateConfig,
  flags: GatewayFlags,
  product: string | undefined,
): Promise<Catalog> {
  return askGateway<Catalog>({
    base: gatewayBase(config, flags),
    token: gatewayToken(config, flags, { sub: 'meshgate-catalog', roles: ['data-steward'] }),
    path: product ? `/catalog/${encodeURIComponent(product)}` : '/catalog',
    code: ErrorCode.CATALOG_FORBIDDEN,
  });
}
