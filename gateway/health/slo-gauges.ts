import { Gauge, type Registry } from 'prom-client';
import type { SliRecorder } from './sli-recorder.js';
import type { SloStatus } from './slo-status.js';
import { SLO_WINDOWS } from './sli-tiers.js';
import type { HealthState, ProductHealth } from './slo-types.js';

const STATES: readonly HealthState[] = ['healthy', 'degraded', 'failing'];

/**
 * The data product gauges, computed when Prometheus scrapes (`collect()`), never on the
 * request path: each scrape reads one status (shared by every gauge, see `cacheMs`). A
 * measurement that has no value (no fetches in a window, no quality store) has no sample.
 */
export function sloGauges(registry: Registry, slo: SloStatus, recorder: Pick<SliRecorder, 'stats'>): void {
  const gauge = <L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    set: (g: Gauge<L>, health: ProductHealth) => void,
  ) =>
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const healths = await slo.sloStatus().catch(() => []);
        this.reset();
        for (const health of healths) set(this, health);
      },
    });
  const each = (value: number | null, apply: (v: number) => void) => {
    if (value !== null && Number.isFinite(value)) apply(value);
  };

  gauge(
    'meshgate_data_product_availability_ratio',
    'Origin view: fetches that reached the product (and its probes) that succeeded ÷ all, per window',
    ['product', 'window'],
    (g, h) => {
      for (const window of SLO_WINDOWS)
        each(h.measured.windows[window].availability, (v) => g.set({ product: h.product, window }, v));
    },
  );
  gauge(
    'meshgate_data_product_served_availability_ratio',
    'Served view: fetches consumers got answered ÷ all, entity cache hits included, per window',
    ['product', 'window'],
    (g, h) => {
      for (const window of SLO_WINDOWS)
        each(h.measured.served?.[window].availability ?? null, (v) =>
          g.set({ product: h.product, window }, v),
        );
    },
  );
  gauge(
    'meshgate_data_product_down',
    '1 while the scheduled health probe finds the product down (N failed probes in a row), 0 while up',
    ['product'],
    (g, h) => {
      const probe = h.measured.probe;
      if (probe && probe.state !== 'unknown') g.set({ product: h.product }, probe.state === 'down' ? 1 : 0);
    },
  );
  gauge(
    'meshgate_data_product_latency_p95_seconds',
    'Estimated p95 fetch latency, per window',
    ['product', 'window'],
    (g, h) => {
      for (const window of SLO_WINDOWS)
        each(h.measured.windows[window].latencyMs.p95, (v) =>
          g.set({ product: h.product, window }, v / 1_000),
        );
    },
  );
  gauge(
    'meshgate_data_product_burn_rate',
    'Error ratio ÷ error budget, per window (1 = on budget)',
    ['product', 'window'],
    (g, h) => {
      for (const window of SLO_WINDOWS)
        each(h.measured.windows[window].burnRate, (v) => g.set({ product: h.product, window }, v));
    },
  );
  gauge(
    'meshgate_data_product_error_budget_remaining_ratio',
    'Error budget left over 30 days (negative: overspent)',
    ['product'],
    (g, h) => each(h.measured.errorBudgetRemaining, (v) => g.set({ product: h.product }, v)),
  );
  gauge(
    'meshgate_data_product_freshness_lag_seconds',
    'Age of the newest row of the freshness element',
    ['product'],
    (g, h) => each(h.measured.freshnessLagSeconds, (v) => g.set({ product: h.product }, v)),
  );
  gauge(
    'meshgate_data_product_quality_pass_ratio',
    'Latest quality results that passed ÷ all',
    ['product'],
    (g, h) => each(h.measured.qualityPassRatio, (v) => g.set({ product: h.product }, v)),
  );
  gauge(
    'meshgate_data_product_health',
    '1 for the product’s health state (healthy, degraded, failing), 0 for the others',
    ['product', 'state'],
    (g, h) => {
      for (const state of STATES) g.set({ product: h.product, state }, h.state === state ? 1 : 0);
    },
  );
  new Gauge({
    name: 'meshgate_sli_store_degraded',
    help: '1 while SLI flushes to Redis fail and their deltas wait in memory',
    registers: [registry],
    collect() {
      this.set(recorder.stats.degraded ? 1 : 0);
    },
  });
}
