import type { MeshgateConfig } from './config/config.js';
import type { Logger } from './common/logger.js';
import { CONTEXT_TOKEN_HEADER, type DataProductDescriptor } from './protocol/index.js';
import type { Resources } from './pipeline/index.js';
import { createAuthenticate } from './auth/index.js';
import { warnOnDevelopmentKeys } from './auth/development-fallbacks.js';
import { usePlanning } from './planning/use-planning.js';
import { readSafelist } from './persisted/safelist.js';
import { readPolicyFiles, usePolicy } from './policy/index.js';
import { supergraphSource } from './supergraph/supergraph-source.js';
import { useSupergraph } from './supergraph/use-supergraph.js';
import { readContractDescriptors } from './supergraph/contract-descriptors.js';
import {
  contextTokenKey,
  createContextTokenSigner,
  GATEWAY_PRINCIPAL,
} from './subgraph-fetch/context-token.js';
import { openEntityCache } from './subgraph-fetch/entity-cache/index.js';
import { createLineage } from './lineage/index.js';
import { createObservability } from './observability/index.js';
import { acquireTracing } from './observability/tracing/index.js';
import { createSlo, sloProducts, type QualityStore } from './health/index.js';
import { probeTargets, startProductProbe, type ProductProbe } from './health/product-probe.js';
import { openQualityStore } from './health/open-quality-store.js';
import { serverTargets, type QualityTarget } from './health/quality/index.js';
import { startQualitySchedule } from './health/quality-schedule.js';
import { createIncidents } from './alerts/create-incidents.js';
import { grantSource, openAccessStore, useAccess } from './access/index.js';
import { openRegistry } from '../schema/registry/open-registry.js';
import type { Registry } from '../schema/registry/types.js';

/** What the gateway may be handed by whoever starts it beside other services (a launcher). */
export interface GatewayServices {
  /** The quality results and freshness readings health reads (the mesh's schedule writes them). */
  readonly quality?: QualityStore | null | undefined;
  /**
   * The descriptors of the products a supergraph file describes (the launcher's own mesh). A
   * registry's supergraph comes with its own; without either, products are undescribed.
   */
  readonly descriptors?: readonly DataProductDescriptor[] | undefined;
  /**
   * Products the launcher measures in databases it holds (the kit products' own), beside the
   * ones whose contracts name a `servers` entry: one schedule runs them all.
   */
  readonly qualityTargets?: readonly QualityTarget[] | undefined;
}

/** The gateway's shared services, and the stages other stages read, all opened. */
export type Services = Awaited<ReturnType<typeof openServices>>;

/**
 * Opens what the gateway's stages share, each joining `resources` as it is opened (a feature
 * turned off opens nothing): the tracer provider first, so it closes last and flushes the
 * spans of the requests just answered; the supergraph source; authentication; the stores of
 * access requests, lineage, quality, SLIs and incidents; the probe, the entity cache, the
 * metrics; and the stages other stages read (supergraph, policy, access, planning).
 */
export async function openServices(
  config: MeshgateConfig,
  logger: Logger,
  launcher: GatewayServices,
  resources: Resources,
) {
  // First opened, last closed: the tracer provider flushes the spans of the requests just answered.
  const tracing = resources.open(acquireTracing(config.tracing), (t) => t.release());
  const source = resources.open(supergraphSource(config, logger), (s) => s.stop());
  const authenticate = resources.open(
    createAuthenticate({ auth: config.security.auth, stateDir: config.stateDir }),
    (a) => a.close(),
  );
  // /ready tells the identity provider's state: its tokens fail with a code while it is down, the rest serves.
  source.readiness.identityProvider = authenticate.identityProvider;
  if (config.environment === 'production') warnOnDevelopmentKeys(config.security, logger);
  const rules = readPolicyFiles(config.security.policy.dir);

  // The services stages share, each closed by the stack (off: null, nothing opened).
  const accessStore = resources.open(openAccessStore(config.access), (s) => s.close());
  const grants = resources.open(
    config.security.policy.enabled
      ? grantSource({
          config: config.access,
          logger,
          onDropped: (file, action, why) =>
            void accessStore
              .audit({
                time: new Date().toISOString(),
                who: 'gateway',
                action,
                request: file,
                what: `grants/${file}`,
                why,
              })
              .catch(() => undefined),
        })
      : null,
    (g) => g.close(),
  );
  const lineage = resources.open(
    config.lineage.enabled ? await createLineage(config.lineage, logger) : null,
    (l) => l.recorder.close(),
  );
  const ownQuality = resources.open(
    launcher.quality === undefined && config.sli.enabled && config.quality.enabled && config.quality.redis
      ? openQualityStore(config.quality)
      : null,
    (q) => q.close(),
  );
  const quality = launcher.quality ?? ownQuality?.store ?? null;
  // The products a supergraph file serves are described by the launcher or CONTRACTS_DIR.
  const supergraph = useSupergraph(
    source,
    launcher.descriptors ?? (config.contractsDir ? readContractDescriptors(config.contractsDir) : []),
  );
  // Quality rules and freshness: the launcher's products in their own databases, and the
  // products not built on the kit in the database their contract's `servers` entry names —
  // read-only, under a statement timeout, with credentials from the platform's environment,
  // never the contract (health/quality/postgres-server.ts).
  const servers = resources.open(
    quality && config.quality.enabled ? serverTargets(config.quality) : null,
    (t) => t.close(),
  );
  const launcherTargets = launcher.qualityTargets ?? [];
  const qualitySchedule = resources.open(
    servers && quality
      ? startQualitySchedule({
          targets: () => [...launcherTargets, ...servers.targets(supergraph.descriptors())],
          store: quality,
          config: config.quality,
          logger,
        })
      : null,
    (q) => q.stop(),
  );
  // Opened below, after the SLIs it records into; their status reads it from then on.
  let probe: ProductProbe | null = null;
  const slo = resources.open(
    config.sli.enabled
      ? createSlo(config.sli, {
          logger,
          products: () => sloProducts(supergraph.model(), supergraph.descriptors()),
          quality,
          probes: (product) => probe?.reading(product) ?? null,
        })
      : null,
    (s) => s.close(),
  );
  const cache = resources.open(
    openEntityCache(config.cache, () => supergraph.descriptors(), logger),
    (c) => c.close(),
  );
  const observability = createObservability({
    logger,
    sli: slo?.observed,
    lineage: lineage && {
      recorder: lineage.recorder,
      spoolPath: lineage.store.durable ? config.lineage.spoolPath : null,
    },
  });
  // Every subgraph fetch carries a short-lived context token the products verify (no bypass).
  const { contextToken } = config.security;
  const signer = createContextTokenSigner(
    contextTokenKey(contextToken, config.stateDir),
    contextToken.ttlSeconds,
  );
  // The scheduled health probe of every product's subgraph, off the request path: its outcomes
  // count in the origin SLIs, and a product down N probes in a row opens an incident.
  probe = resources.open(
    config.probe.enabled
      ? startProductProbe({
          config: config.probe,
          targets: () => probeTargets(supergraph.model(), config.subgraphUrls),
          // As the gateway's own requests: a meshgate product then answers the probe's query itself.
          headers: () => ({ [CONTEXT_TOKEN_HEADER]: signer.sign(GATEWAY_PRINCIPAL) }),
          onProbe(product, ok) {
            slo?.recorder.recordProbe(product, ok);
            observability.probed(product, ok);
          },
        })
      : null,
    (p) => p.close(),
  );
  const incidents = resources.open(
    slo && config.incidents.enabled
      ? createIncidents(config.incidents, {
          logger,
          slo: slo.status,
          quality,
          lineage: lineage?.store ?? null,
          probe,
          cacheExpiry: cache ? (product) => cache.oldestExpiry(product) : undefined,
        })
      : null,
    (i) => i.close(),
  );
  // The schema registry, opened on first use (the console's schema pages, the registry routes).
  let registry: Registry | null = null;
  resources.defer(() => registry?.close());
  const openedRegistry = () => (registry ??= openRegistry(config.registry));
  const consoleOptions = {
    sso: config.security.auth.console,
    environment: config.environment,
    stateDir: config.stateDir,
    logger,
    lineage: lineage?.store ?? null,
    policyDir: config.security.policy.dir,
  };

  // Stages the MCP stage reads too: the engine /graphql decides with, the console's access service.
  const policy = usePolicy({
    policy: config.security.policy,
    stateDir: config.stateDir,
    logger,
    rules,
    grants: grants ?? undefined,
  });
  const access = useAccess({ config: config.access, store: accessStore, authenticate, supergraph });
  // Bounded planning: the plan store @apollo/gateway uses, and the warm-up of a reload's supergraph.
  const planning = usePlanning({
    config: config.planning,
    registry: observability.registry,
    logger,
    safelist:
      config.planning.warmup && config.persisted.safelistPath
        ? readSafelist(config.persisted.safelistPath)
        : null,
    lineage: lineage?.store ?? null,
  });

  return {
    tracing,
    source,
    authenticate,
    rules,
    lineage,
    quality,
    qualitySchedule,
    supergraph,
    slo,
    cache,
    observability,
    signer,
    incidents,
    openedRegistry,
    consoleOptions,
    policy,
    access,
    planning,
  };
}
