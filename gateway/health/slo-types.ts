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

/**
 * Which of a product's counts a bucket holds. `origin`: fetches that reached the product;
 * `cache`: fetches the entity cache answered whole (none reached it); `probe`: the gateway's
 * scheduled health probes of it (outcomes only, no latency: a probe is not a query). The two
 * views of a product are sums of them: origin = origin + probe, served = origin + cache.
 */
export type SliSeries = 'origin' | 'cache' | 'probe';

/** A product seen from the product (what reached it) or from its consumers (what they got). */
export type SliView = 'origin' | 'served';

/** One flush of one product's deltas: a store adds it exactly once, whatever retries it sees. */
export interface SliBatch {
  readonly id: string;
  readonly product: string;
  /** Absent: `origin`. */
  readonly series?: SliSeries;
  readonly deltas: readonly SliBucket[];
}

/** Where the buckets live: Redis (every replica adds to one number) or this process. */
export interface SliStore {
  /** `redis` when replicas share the numbers, `memory` otherwise. */
  readonly kind: 'redis' | 'memory';
  /** Adds a batch once: a batch id already applied is a no-op (`duplicate`). */
  add(batch: SliBatch): Promise<'applied' | 'duplicate'>;
  /** The non-empty buckets of a tier with `from <= start <= to`, oldest first (of `origin` by default). */
  read(product: string, tier: TierName, from: number, to: number, series?: SliSeries): Promise<SliBucket[]>;
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

/** The scheduled health probe of a product's subgraph (health/product-probe.ts), as this gateway last saw it. */
export interface ProbeReading {
  /** `down` once `threshold` probes in a row failed; `up` after one that passed; `unknown` before the first. */
  readonly state: 'up' | 'down' | 'unknown';
  readonly consecutiveFailures: number;
  /** Failed probes in a row that make the product down (MESHGATE_PROBE_FAILURES). */
  readonly threshold: number;
  /** The first failed probe of the current run of failures; null while up. */
  readonly failingSince: string | null;
  readonly lastError: string | null;
  readonly lastOkAt: string | null;
  readonly checkedAt: string | null;
}

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
    /**
     * The origin view: fetches that reached the product and the gateway's probes of it (their
     * outcomes count in availability, not in latency); cache hits excluded. The SLA, the error
     * budget, the burn alerts, incidents and the promtool rules read this view.
     */
    readonly windows: Readonly<Record<SloWindow, WindowSli>>;
    /**
     * The served view: what consumers got, fetches the entity cache answered included, probes
     * not. Within the contract's freshness a cache keeps it at 100% while the origin is down.
     */
    readonly served: Readonly<Record<SloWindow, WindowSli>>;
    /** Of the served fetches, those the entity cache answered whole (none reached the product), per window. */
    readonly servedFromCache: Readonly<Record<SloWindow, number>>;
    /** The scheduled probe's last word on the product; null where none runs (MESHGATE_PROBE=off, the CLI on Redis). */
    readonly probe: ProbeReading | null;
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
