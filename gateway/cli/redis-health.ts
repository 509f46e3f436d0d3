import type { MeshgateConfig } from '../config/config.js';
import { readSloFromRedis, sloProducts, type ProductQuality, type SloStatus } from '../health/index.js';
import { openQualityStore } from '../health/open-quality-store.js';
import type { QualityStore } from '../health/types.js';
import { localContractDescriptors } from '../supergraph/contract-descriptors.js';
import { ONE_SHOT } from '../redis/redis-connection.js';
import { readSupergraphFile } from '../supergraph/read-supergraph-file.js';
import { supergraphModel } from '../supergraph/supergraph-model.js';

/**
 * The products' health as every replica recorded it, read straight from Redis by a command that
 * runs beside the gateways (`meshgate slo`, `meshgate lineage export`): the SLIs, and the
 * quality results and freshness readings the mesh's schedule writes there too. Opens the
 * connections for `use` and closes them after.
 */
export async function withRedisHealth<T>(
  config: MeshgateConfig,
  use: (slo: SloStatus, quality: QualityStore | null) => Promise<T>,
): Promise<T> {
  const model = supergraphModel(
    readSupergraphFile(config.supergraph.source === 'introspect' ? '' : config.supergraph.path),
  );
  const quality =
    config.quality.enabled && config.quality.redis ? openQualityStore(config.quality, ONE_SHOT) : null;
  // A supergraph file is the one-repository workflow: the contracts beside it describe it (CONTRACTS_DIR).
  const descriptors = localContractDescriptors(config.contractsDir);
  const slo = readSloFromRedis(config.sli, () => sloProducts(model, descriptors), quality?.store ?? null);
  try {
    return await use(slo.status, quality?.store ?? null);
  } finally {
    await slo.close();
    await quality?.close();
  }
}

/** Each product's health with its latest quality results and freshness readings: OpenLineage's facets. */
export async function productQualityFromRedis(config: MeshgateConfig): Promise<ProductQuality[]> {
  return withRedisHealth(config, async (slo, quality) => {
    const [healths, results, freshness] = await Promise.all([
      slo.sloStatus(),
      quality?.latest() ?? [],
      quality?.latestFreshness() ?? [],
    ]);
    return healths.map((health) => ({
      health,
      results: results.filter((r) => r.product === health.product),
      freshness: freshness.filter((f) => f.product === health.product),
    }));
  });
}
