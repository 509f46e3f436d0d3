import type { ProductSla } from '../protocol/index.js';

/**
 * The contracts of SLIs and SLOs: what the recorder aggregates, what a store keeps, and what
 * a product's health says. Read by /admin/slo, `meshgate slo`, /metrics, the catalog,
 * OpenLineage facets, and whoever builds incidents, alerts and the console on top.
 */

/** Fetch counts of one product in one time bucket, with a latency histogram of fixed bounds. */
export interface SliCounts {
  ok: number;
  errors: number;
  /** Sum of fetch durations, in whole microseconds (Redis adds integers). */
  durationMicros: number;
  /** Fetches per latency bucket (not cumulative): `LATENCY_BOUNDS_MS.length + 1` entries, the last one overflow. */
  buckets: number[];
}

/** A bucket resolution: fine buckets for short windows, coarse ones kept past 30 days. */
export type TierName = '10s' | '5m' | '1h';

export interface SliBucket {
  readonly tier: TierName;
  /** Epoch ms of the bucket's start, a multiple of its size. */
  readonly start: number;
  readonly counts: SliCounts;
}

/** One flush of one product's deltas: a store adds it exactly once, whatever retries it sees. */
export interface SliBatch {
  readonly id: string;
  readonly product: string;
  readonly deltas: readonly SliBucket[];
}

/** Where the buckets live: Redis (every replica adds to one number) or this process. */
export interface SliStore {
  /** `redis` when replicas share the numbers, `memory` otherwise. */
  readonly kind: 'redis' | 'memory';
  /** Adds a batch once: a batch id already applied is a no-op (`duplicate`). */
  add(batch: SliBatch): Promise<'applied' | 'duplicate'>;
  /** The non-empty buckets of a tier with `from <= start <= to`, oldest first. */
  read(product: string, tier: TierName, from: number, to: number): Promise<SliBucket[]>;
  close(): Promise<void>;
}

/** The windows SLIs are compared over (the SRE workbook's alert windows and the 30-day budget). */
export type SloWindow = '5m' | '30m' | '1h' | '6h' | '3d' | '30d';

/** The SLIs of one product over one window. */
export interface WindowSli {
  readonly window: SloWindow;
  readonly fetches: number;
  readonly errors: number;
  /** Fetches that succeeded ÷ all; null without fetches. */
  readonly availability: number | null;
  /** Fetches that failed ÷ all; null without fetches. */
  readonly errorRate: number | null;
  /** Fetches per second over the window. */
  readonly throughputPerSecond: number;
  /** Estimated from the histogram (linear within a bucket, as Prometheus' histogram_quantile); ms. */
  readonly latencyMs: {
    readonly p50: number | null;
    readonly p95: number | null;
    readonly p99: number | null;
  };
  /** Fetches at or under the SLA's latency target ÷ all; null without fetches. */
  readonly latencyGoodRatio: number | null;
  /** Observed error ratio ÷ the error budget (1 − SLO); null without fetches. */
  readonly burnRate: number | null;
}

/** One multi-window, multi-burn-rate alert of the SRE workbook (chapter 5, "Alerting on SLOs"). */
export interface BurnAlert {
  readonly severity: 'page' | 'ticket';
  readonly long: SloWindow;
  readonly short: SloWindow;
  /** Burn rate both windows must exceed. */
  readonly factor: number;
  readonly firing: boolean;
}

export type HealthState = 'healthy' | 'degraded' | 'failing';

/** One product's promises against what was measured: the health signal and its reasons. */
export interface ProductHealth {
  readonly product: string;
  readonly state: HealthState;
  /** Why, in sentences a product owner reads; every state but a plain healthy has at least one. */
  readonly reasons: readonly string[];
  /** What the product promises (its contract's slaProperties); null without a descriptor. */
  readonly declared: ProductSla | null;
  readonly measured: {
    /** `shared`: every replica's fetches (Redis); `replica`: this process only (memory, or Redis unreachable). */
    readonly source: 'shared' | 'replica';
    readonly windows: Readonly<Record<SloWindow, WindowSli>>;
    /** The error budget allowed: the smaller of 1 − availability and the error-rate target, as a ratio. */
    readonly errorBudget: number | null;
    /** Budget left over 30 days: 1 − errors ÷ (fetches × budget); 1 without fetches, negative when overspent. */
    readonly errorBudgetRemaining: number | null;
    readonly alerts: readonly BurnAlert[];
    /** Newest freshness lag of the product's element, seconds; null when not measured. */
    readonly freshnessLagSeconds: number | null;
    /** Passed ÷ all of the latest quality results; null when not measured. */
    readonly qualityPassRatio: number | null;
  };
  readonly at: string;
}

/** One point of an SLI time series (one bucket), for charts. */
export interface SliPoint {
  /** ISO time of the bucket's start. */
  readonly at: string;
  readonly fetches: number;
  readonly errors: number;
  readonly availability: number | null;
  /** The bucket's latency percentiles (histogram estimates, as `histogram_quantile`). */
  readonly latencyP50Ms: number | null;
  readonly latencyP95Ms: number | null;
  readonly latencyP99Ms: number | null;
}
