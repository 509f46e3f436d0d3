import type { ProductSla } from '../protocol/index.js';
import { emptyCounts, quantileMs } from './latency-histogram.js';
import { productHealthOf } from './health-rules.js';
import type { SliReading, SliRecorder } from './sli-recorder.js';
import { SLO_WINDOWS, TIERS, WINDOWS, windowRange, type Tier } from './sli-tiers.js';
import { burnAlerts, errorBudgetOf, errorBudgetRemaining, windowSli } from './slo-windows.js';
import type { ProductHealth, SliBucket, SliPoint, SloWindow, TierName, WindowSli } from './slo-types.js';
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
  /** One point per bucket over the window, empty buckets included, oldest first. */
  sliSeries(product: string, window: SeriesWindow): Promise<SliPoint[]>;
}

/**
 * SLOs from the recorded SLIs: per product, the SLIs over 5 m, 30 m, 1 h, 6 h, 3 d and 30 d,
 * the error budget left over 30 d, the burn-rate alerts, and one health state with reasons.
 * Three range reads per product (10 s for 5 m, 5 min for up to 6 h, 1 h for 3 and 30 d).
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
    async sliSeries(product, window) {
      const tier = TIERS[SERIES_TIERS[window]];
      const { from, to } = windowRange({ ms: WINDOWS[window === '1h' ? '1h' : window].ms, tier }, now());
      const { buckets } = await options.sli.read(product, tier.name, from, to);
      return pointsOf(buckets, tier, from, to);
    },
  };

  async function healthOf(product: SloProduct, time: number): Promise<ProductHealth> {
    const readings = await Promise.all(
      (['10s', '5m', '1h'] as const).map((tier) => {
        const widest = SLO_WINDOWS.filter((w) => WINDOWS[w].tier.name === tier).map((w) => WINDOWS[w]);
        const from = Math.min(...widest.map((w) => windowRange(w, time).from));
        return options.sli.read(product.name, tier, from, windowRange(widest[0]!, time).to);
      }),
    );
    const byTier = new Map<TierName, SliReading>([
      ['10s', readings[0]!],
      ['5m', readings[1]!],
      ['1h', readings[2]!],
    ]);
    const windows = Object.fromEntries(
      SLO_WINDOWS.map((w): [SloWindow, WindowSli] => {
        const spec = WINDOWS[w];
        const { from, to } = windowRange(spec, time);
        const buckets = byTier.get(spec.tier.name)!.buckets.filter((b) => b.start >= from && b.start <= to);
        return [w, windowSli(w, buckets, product.sla)];
      }),
    ) as Record<SloWindow, WindowSli>;
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

function pointsOf(buckets: readonly SliBucket[], tier: Tier, from: number, to: number): SliPoint[] {
  const byStart = new Map(buckets.map((b) => [b.start, b.counts]));
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
