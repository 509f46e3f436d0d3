import type { GraphQLRequestBody, Random } from './varied-requests.js';

/**
 * The benchmark's contracts: what a workload and a contender are, and what one measured cell
 * (contender × workload × connections) reports. `results/<date>.json` is a `BenchResults`.
 */

export type WorkloadId = 'varied-order' | 'varied-customer' | 'zipf-mix' | 'single' | 'cross' | 'heavy';

/**
 * What a cell sends. An identical workload sends one operation with the same variables on
 * every request (the de-duplication-friendly case); a varied one builds each request from a
 * seeded generator (`next`), so every request differs and every contender gets the same
 * sequence.
 */
export interface Workload {
  readonly id: WorkloadId;
  readonly title: string;
  readonly kind: 'varied' | 'identical';
  /** The operation (for a varied workload: its main shape, as the report shows it). */
  readonly query: string;
  readonly variables?: Readonly<Record<string, unknown>>;
  readonly next?: (random: Random) => GraphQLRequestBody;
}

export type ContenderId = 'a' | 'b' | 'c' | 'd' | 'e' | 'f';

/** How to start one contender as its own process, and what it may be measured on. */
export interface ContenderSpec {
  readonly id: ContenderId;
  readonly title: string;
  /** Workloads this contender can serve (the direct subgraph serves only the single-subgraph one). */
  readonly workloads: readonly Workload['id'][];
  /** Headers every request carries (the bearer token of contender c). */
  readonly headers: Readonly<Record<string, string>>;
}

/** Latency percentiles in milliseconds, measured by the load generator per response; null without responses. */
export interface Latency {
  p50: number | null;
  p95: number | null;
  p99: number | null;
  mean: number | null;
}

/** What the load generator process is asked to do for one cell. */
export interface LoadJob {
  url: string;
  /** The load generator builds the bodies itself (a varied workload's stream is seeded). */
  workload: WorkloadId;
  headers: Record<string, string>;
  connections: number;
  durationSeconds: number;
  warmupSeconds: number;
}

/** What the load generator measured in one cell. */
export interface LoadResult {
  rps: number;
  requests: number;
  latency: Latency;
  /** non-2xx + GraphQL errors in a 2xx body + socket errors + timeouts. */
  errors: number;
  errorBreakdown: { non2xx: number; graphql: number; socket: number; timeouts: number };
  bytesPerResponse: number;
  durationSeconds: number;
}

/** What sampling /proc/PID of the contender (and its children) gave during the cell. */
export interface ProcessUsage {
  peakRssMb: number;
  /** CPU time over wall time, in % of one core (200% = both cores of this machine). */
  cpuPercent: number;
  /** The same for the five subgraph processes together: the gateway's share is only part of the cost. */
  subgraphsCpuPercent?: number;
  /** That figure per data product (its subgraph process): which product the cell's time goes to. */
  subgraphCpuPercent?: Readonly<Record<string, number>>;
  /** The same for the local PostgreSQL server (all its processes); absent for a remote one. */
  postgresCpuPercent?: number;
}

export type CellStatus = 'measured' | 'error' | 'mismatch' | 'unavailable';

export interface CellResult {
  contender: ContenderId;
  workload: WorkloadId;
  connections: number;
  status: CellStatus;
  /** Why a cell was not measured (the contender's error, or how its data differed). */
  note?: string;
  load?: LoadResult;
  usage?: ProcessUsage;
  /** Contender f: the entity cache's hits / lookups over the cell (GET /admin/cache before and after). */
  cacheHitRate?: number;
}

export interface TargetResult {
  target: string;
  met: boolean | null;
  detail: string;
}

export interface ProfileSummary {
  contender: ContenderId;
  workload: Workload['id'];
  totalMs: number;
  /** Requests answered in the profiled window: busy CPU per request is totalMs / requests. */
  requests: number;
  file: string;
  top: { fn: string; location: string; selfMs: number; selfPercent: number }[];
  byPackage: { pkg: string; selfMs: number; selfPercent: number }[];
}

export type LineageWriterResult =
  | {
      available: true;
      events: number;
      stored: number;
      duplicates: number;
      eventsPerSecond: number;
      hotPathMicros: number | null;
    }
  | { available: false; note: string };

export interface BenchResults {
  startedAt: string;
  finishedAt: string;
  label: string | null;
  machine: { cpus: number; node: string; loadAverageAtStart: number[] };
  options: { durationSeconds: number; warmupSeconds: number; connections: number; quick: boolean };
  contenders: { id: ContenderId; title: string; available: boolean; note?: string }[];
  workloads: { id: Workload['id']; title: string; responseBytes: number | null }[];
  cells: CellResult[];
  targets: TargetResult[];
  lineage: {
    /** Entries that appeared in Redis's *lineage* streams while contender c ran. */
    duringC?: { requests: number; events: number | null; note: string };
    /** `bench/lineage-bench.ts` (the lineage layer's own writer benchmark), when it exists. */
    writer: LineageWriterResult;
  };
  profiles: ProfileSummary[];
  /** Contenders b and c in alternating rounds, both up at once: what the overhead targets read. */
  overhead: PairedOverhead[];
}

/** One round's figures of one contender. */
export interface RoundFigures {
  rps: number;
  /** ms */
  p50: number | null;
  errors: number;
  /** Of `errors`, the 2xx answers whose body carried a GraphQL error (a denied or filtered field). */
  graphqlErrors: number;
}

/**
 * The overhead of policies and lineage on one workload, measured as b, c, c, b, b, c, … so that
 * drift over the run (heat, other load) falls on both alike; the median over rounds is the
 * figure, the rounds show its spread.
 */
export interface PairedOverhead {
  workload: Workload['id'];
  connections: number;
  rounds: { b: RoundFigures; c: RoundFigures }[];
  /** Median of 1 − c/b over the rounds, in %. */
  throughputOverheadPercent: number | null;
  /** Median of c − b p50 over the rounds, in µs. */
  addedP50Micros: number | null;
}
