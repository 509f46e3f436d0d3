import type { ProductSla } from '../protocol/index.js';
import { emptyCounts, mergeCounts, quantileMs } from './latency-histogram.js';
import { productHealthOf } from './health-rules.js';
import type { SliReading, SliRecorder } from './sli-recorder.js';
import { bucketStart, SLO_WINDOWS, TIERS, WINDOWS, windowRange, type Tier } from './sli-tiers.js';
import { burnAlerts, errorBudgetOf, errorBudgetRemaining, windowSli } from './slo-windows.js';
import type {
  ProbeReading,
  ProductHealth,
  SliBucket,
  SliCounts,
  SliPoint,
  SliSeries,
  SliView,
  SloWindow,
  TierName,
  WindowSli,
} from './slo-types.js';
import type { FreshnessReading, QualityResult, QualityStore } from './types.js';

/** A product whose SLOs are measured, with what it promises (null: no descriptor). */
export interface SloProduct {
  readonly name: string;
  readonly sla: ProductSla | null;
}

export interface SloStatusOptions {
  /** Where the SLIs are read: the recorder (Redis or memory, with its fallback). */
  readonly sli: Pick<SliRecorder, 'read' | 'storeKind'>;
  /** The products in service, with their SLAs (`productSla(descriptor)`), read at each status. */
  readonly products: () => readonly SloProduct[];
  /** Quality results and freshness readings; without it, health says they are not measured. */
  readonly quality?: QualityStore | null | undefined;
  /** The scheduled probe's reading of a product (product-probe.ts); absent where none runs. */
  readonly probes?: ((product: string) => ProbeReading | null) | undefined;
  readonly now?: () => number;
  /** A status is reused this long (a scrape and an admin read in the same second share it). */
  readonly cacheMs?: number;
}

/** The windows a series can be drawn over, and the tier each reads. */
export const SERIES_TIERS: Readonly<Record<'5m' | '1h' | '6h' | '3d' | '30d', TierName>> = Object.freeze({
  '5m': '10s',
  '1h': '10s',
  '6h': '5m',
  '3d': '1h',
  '30d': '1h',
});
export type SeriesWindow = keyof typeof SERIES_TIERS;

export interface SloStatus {
  /**
   * Every product's health (or one product's; empty for a name not in service). A status up
   * to `maxAgeMs` old (default `cacheMs`) is reused: the gauges of one scrape share one.
   */
  sloStatus(product?: string, options?: { maxAgeMs?: number }): Promise<ProductHealth[]>;
  /** One point per bucket over the window, empty buckets included, oldest first; of the origin view by default. */
  sliSeries(product: string, window: SeriesWindow, view?: SliView): Promise<SliPoint[]>;
  /**
   * Fetches the entity cache answered whole since `since` (epoch ms, from the start of its
   * 10-s bucket), every replica's with a shared store: the reads a cache shielded during an
   * outage. Read from the 10-s tier (2 h kept), the 5-min one beyond.
   */
  servedFromCache(product: string, since: number): Promise<number>;
}

/** The series each view adds up (slo-types.ts `SliSeries`). */
const VIEW_SERIES: Readonly<Record<SliView, readonly SliSeries[]>> = Object.freeze({
  origin: ['origin', 'probe'],
  served: ['origin', 'cache'],
});
const ALL_SERIES: readonly SliSeries[] = ['origin', 'probe', 'cache'];

/**
 * SLOs from the recorded SLIs: per product, the SLIs over 5 m, 30 m, 1 h, 6 h, 3 d and 30 d in
 * two views (origin: what reached the product; served: what consumers got), the error budget
 * left over 30 d and the burn-rate alerts of the origin view, and one health state with
 * reasons. Three range reads per product and series (10 s for 5 m, 5 min up to 6 h, 1 h for
 * 3 and 30 d).
 */
export function createSloStatus(options: SloStatusOptions): SloStatus {
  const now = options.now ?? Date.now;
  const cacheMs = options.cacheMs ?? 1_000;
  let cached: { at: number; value: Promise<ProductHealth[]> } | null = null;

  const all = (maxAgeMs: number): Promise<ProductHealth[]> => {
    const time = now();
    if (!cached || maxAgeMs <= 0 || time - cached.at >= maxAgeMs) {
      const value = Promise.all(options.products().map((p) => healthOf(p, time)));
      cached = { at: time, value };
      value.catch(() => (cached = null));
    }
    return cached.value;
  };

  return {
    async sloStatus(product, { maxAgeMs = cacheMs } = {}) {
      const healths = await all(maxAgeMs);
      return product === undefined ? healths : healths.filter((h) => h.product === product);
    },
    async sliSeries(product, window, view = 'origin') {
      const tier = TIERS[SERIES_TIERS[window]];
      const { from, to } = windowRange({ ms: WINDOWS[window === '1h' ? '1h' : window].ms, tier }, now());
      const readings = await Promise.all(
        VIEW_SERIES[view].map((series) => options.sli.read(product, tier.name, from, to, series)),
      );
      return pointsOf(
        readings.flatMap((r) => r.buckets),
        tier,
        from,
        to,
      );
    },
    async servedFromCache(product, since) {
      const time = now();
      const tier = time - since <= TIERS['10s'].retentionMs ? TIERS['10s'] : TIERS['5m'];
      const { buckets } = await options.sli.read(
        product,
        tier.name,
        bucketStart(since, tier),
        bucketStart(time, tier),
        'cache',
      );
      return buckets.reduce((n, b) => n + b.counts.ok + b.counts.errors, 0);
    },
  };

  async function healthOf(product: SloProduct, time: number): Promise<ProductHealth> {
    // Per series, one range read per tier (10 s for 5 m, 5 min up to 6 h, 1 h for 3 and 30 d).
    const tiers = ['10s', '5m', '1h'] as const;
    const readings = await Promise.all(
      ALL_SERIES.flatMap((series) =>
        tiers.map((tier) => {
          const widest = SLO_WINDOWS.filter((w) => WINDOWS[w].tier.name === tier).map((w) => WINDOWS[w]);
          const from = Math.min(...widest.map((w) => windowRange(w, time).from));
          return options.sli.read(product.name, tier, from, windowRange(widest[0]!, time).to, series);
        }),
      ),
    );
    const byTier = new Map<string, SliReading>(
      ALL_SERIES.flatMap((series, s) =>
        tiers.map((tier, t): [string, SliReading] => [`${series}:${tier}`, readings[s * tiers.length + t]!]),
      ),
    );
    const seriesBuckets = (series: SliSeries, w: SloWindow) => {
      const spec = WINDOWS[w];
      const { from, to } = windowRange(spec, time);
      return byTier
        .get(`${series}:${spec.tier.name}`)!
        .buckets.filter((b) => b.start >= from && b.start <= to);
    };
    const viewWindows = (view: SliView) =>
      Object.fromEntries(
        SLO_WINDOWS.map((w): [SloWindow, WindowSli] => [
          w,
          windowSli(
            w,
            VIEW_SERIES[view].flatMap((series) => seriesBuckets(series, w)),
            product.sla,
          ),
        ]),
      ) as Record<SloWindow, WindowSli>;
    const windows = viewWindows('origin');
    const served = viewWindows('served');
    const servedFromCache = Object.fromEntries(
      SLO_WINDOWS.map((w): [SloWindow, number] => [w, windowSli(w, seriesBuckets('cache', w), null).fetches]),
    ) as Record<SloWindow, number>;
    const probe = options.probes?.(product.name) ?? null;
    const source = readings.some((r) => r.source === 'replica') ? 'replica' : 'shared';
    const { quality, freshness, unavailable } = await qualityOf(product.name);
    const alerts = burnAlerts(windows);
    const errorBudget = product.sla ? errorBudgetOf(product.sla) : null;
    const remaining = errorBudgetRemaining(windows['30d'], errorBudget);
    const { state, reasons } = productHealthOf({
      declared: product.sla,
      windows,
      alerts,
      errorBudgetRemaining: remaining,
      quality,
      freshness,
      qualityUnavailable: unavailable,
      served,
      probe,
      source,
      sharedStore: options.sli.storeKind === 'redis',
    });
    const lags = (freshness ?? []).flatMap((r) => (r.lagSeconds === null ? [] : [r.lagSeconds]));
    return {
      product: product.name,
      state,
      reasons,
      declared: product.sla,
      measured: {
        source,
        windows,
        served,
        servedFromCache,
        probe,
        errorBudget,
        errorBudgetRemaining: remaining,
        alerts,
        freshnessLagSeconds: lags.length ? Math.max(...lags) : null,
        qualityPassRatio: quality?.length ? quality.filter((q) => q.passed).length / quality.length : null,
      },
      at: new Date(time).toISOString(),
    };
  }

  async function qualityOf(product: string): Promise<{
    quality: QualityResult[] | null;
    freshness: FreshnessReading[] | null;
    unavailable: string | null;
  }> {
    if (!options.quality) return { quality: null, freshness: null, unavailable: null };
    try {
      const [quality, freshness] = await Promise.all([
        options.quality.latest(product),
        options.quality.latestFreshness(product),
      ]);
      return { quality, freshness, unavailable: null };
    } catch (error) {
      return { quality: null, freshness: null, unavailable: (error as Error).message };
    }
  }
}

/** One point per bucket start; buckets of several series at one start are added up. */
function pointsOf(buckets: readonly SliBucket[], tier: Tier, from: number, to: number): SliPoint[] {
  const byStart = new Map<number, SliCounts>();
  for (const b of buckets) {
    const sum = byStart.get(b.start);
    if (sum) mergeCounts(sum, b.counts);
    else byStart.set(b.start, mergeCounts(emptyCounts(), b.counts));
  }
  const points: SliPoint[] = [];
  for (let start = from; start <= to; start += tier.sizeMs) {
    const counts = byStart.get(start) ?? emptyCounts();
    const fetches = counts.ok + counts.errors;
    points.push({
      at: new Date(start).toISOString(),
      fetches,
      errors: counts.errors,
      availability: fetches ? counts.ok / fetches : null,
      latencyP50Ms: quantileMs(counts, 0.5),
      latencyP95Ms: quantileMs(counts, 0.95),
      latencyP99Ms: quantileMs(counts, 0.99),
    });
  }
  return points;
}
