import { describe, expect, it } from 'vitest';
import { sampleEvent } from '../../test/support/lineage-event.js';
import { openLineageValidator } from '../lineage/openlineage-schema.js';
import { toOpenLineage } from '../lineage/openlineage.js';
import { addFetch, emptyCounts } from './latency-histogram.js';
import { memorySliStore } from './memory-sli-store.js';
import { qualityFacets } from './openlineage-facets.js';
import { createSloStatus } from './slo-status.js';
import type { QualityResult, QualityStore } from './types.js';

const T0 = Date.UTC(2026, 11, 3, 10, 0, 0);
const RESULT: QualityResult = {
  product: 'orders',
  ruleId: 'orders-row-count',
  dimension: 'completeness',
  metric: 'rowCount',
  measured: 1200,
  threshold: 'mustBeGreaterThan 0',
  passed: true,
  severity: 'error',
  durationMs: 3,
  at: '2026-12-03T09:59:00.000Z',
};
const quality: QualityStore = {
  record: async () => undefined,
  recordFreshness: async () => undefined,
  latest: async () => [
    RESULT,
    {
      ...RESULT,
      ruleId: 'orders-no-null-customer',
      metric: 'nullValues',
      measured: 2,
      threshold: 'mustBe 0',
      passed: false,
      severity: 'warning',
    },
  ],
  history: async () => [],
  latestFreshness: async () => [
    {
      product: 'orders',
      element: 'orders.placed_at',
      newest: '2026-12-03T09:58:00.000Z',
      lagSeconds: 120,
      maxLagSeconds: 900,
      at: '2026-12-03T10:00:00.000Z',
    },
  ],
  freshnessHistory: async () => [],
};

describe('health as OpenLineage facets', () => {
  it('puts dataQualityMetrics and dataQualityAssertions on the product input dataset, valid against the spec', async () => {
    const store = memorySliStore(() => T0);
    const counts = emptyCounts();
    for (let i = 0; i < 1000; i++) addFetch(counts, 30, true);
    await store.add({
      id: 'b1',
      product: 'orders',
      deltas: (['10s', '5m', '1h'] as const).map((tier) => ({ tier, start: T0, counts })),
    });
    const slo = createSloStatus({
      sli: {
        storeKind: 'memory',
        read: async (...args) => ({ buckets: await store.read(...args), source: 'replica' }),
      },
      products: () => [
        {
          name: 'orders',
          sla: {
            availabilityPercent: 99.9,
            latencyP95Ms: 300,
            errorRatePercent: 0.1,
            freshness: { element: 'orders.placed_at', maxLagSeconds: 900 },
            maxAgeSeconds: {},
          },
        },
      ],
      quality,
      now: () => T0,
    });
    const [health] = await slo.sloStatus('orders');
    expect(health!.state).toBe('degraded'); // the warning rule
    const facets = qualityFacets([
      {
        health: health!,
        results: await quality.latest('orders'),
        freshness: await quality.latestFreshness('orders'),
      },
    ]);
    const run = toOpenLineage(
      sampleEvent({ reads: [{ path: 'order.id', coordinate: 'Order.id', product: 'orders', type: 'ID!' }] }),
      'meshgate',
      facets,
    );
    expect(openLineageValidator()(run)).toEqual([]);
    const input = (
      run.inputs as { name: string; inputFacets: Record<string, Record<string, unknown>> }[]
    )[0]!;
    expect(input.name).toBe('orders');
    expect(input.inputFacets.dataQualityMetrics).toMatchObject({
      rowCount: 1200,
      lastUpdated: '2026-12-03T09:58:00.000Z',
      columnMetrics: {},
    });
    expect(input.inputFacets.dataQualityAssertions!.assertions).toEqual([
      { assertion: 'orders-row-count: rowCount mustBeGreaterThan 0 (error)', success: true },
      { assertion: 'orders-no-null-customer: nullValues mustBe 0 (warning)', success: false },
      { assertion: 'availability >= 99.9% over 30d', success: true },
      { assertion: 'error budget remaining > 0 over 30d', success: true },
      { assertion: '95% of fetches within 300 ms over 1h', success: true },
      { assertion: 'freshness of orders.placed_at: lag <= 900 s', success: true },
    ]);
    // The vendored schema is checked too: a metrics facet without columnMetrics is refused.
    const broken = structuredClone(run) as typeof run & {
      inputs: { inputFacets: { dataQualityMetrics: Record<string, unknown> } }[];
    };
    delete broken.inputs[0]!.inputFacets.dataQualityMetrics.columnMetrics;
    expect(openLineageValidator()(broken).join('\n')).toContain(
      "must have required property 'columnMetrics'",
    );
  });
});
