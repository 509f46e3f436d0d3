import type { ProbeConfig } from './probe-config.js';
import type { ProbeReading } from './slo-types.js';
import { checkSubgraphHealth, type SubgraphHealth } from './subgraph-health.js';

export interface ProductProbeOptions {
  readonly config: Pick<ProbeConfig, 'intervalMs' | 'failures' | 'timeoutMs'>;
  /** The products in service and their subgraph URLs, read at each round (a new supergraph shows at once). */
  readonly targets: () => Readonly<Record<string, string>>;
  /** Told of every probe's outcome: the origin SLIs and the metrics count it. */
  readonly onProbe?: ((product: string, ok: boolean) => void) | undefined;
  /** Headers each probe carries (the gateway's context token), made per round. */
  readonly headers?: (() => Readonly<Record<string, string>>) | undefined;
  /** The probe itself (tests); default `checkSubgraphHealth`. */
  readonly check?:
    | ((
        url: string,
        timeoutMs: number,
        headers?: Readonly<Record<string, string>>,
      ) => Promise<SubgraphHealth>)
    | undefined;
  readonly now?: () => number;
}

/** A product the probe finds down: what an availability incident is opened from. */
export interface ProbeDown {
  readonly product: string;
  readonly consecutiveFailures: number;
  readonly threshold: number;
  /** Epoch ms of the first failed probe of this run of failures. */
  readonly since: number;
  readonly lastError: string;
  readonly lastOkAt: number | null;
  readonly intervalMs: number;
}

export interface ProductProbe {
  /** The reading of one product; null for one never probed here. */
  reading(product: string): ProbeReading | null;
  /** Products with `failures` or more failed probes in a row. */
  downs(): ProbeDown[];
  /** One round now (tests; the timer runs them otherwise); concurrent calls share the running one. */
  probeOnce(): Promise<void>;
  /** Stops the timer and waits for a round in flight. */
  close(): Promise<void>;
}

interface State {
  failures: number;
  since: number | null;
  lastError: string | null;
  lastOkAt: number | null;
  checkedAt: number | null;
}

/**
 * The gateway's scheduled health probe of every product's subgraph, off the request path: a
 * round every `intervalMs` (an unref'd timer: it never keeps the process up), the products in
 * parallel, each bounded by `timeoutMs`; a round still running skips the next tick. A product
 * is down after `failures` failed probes in a row, with or without traffic, and up again at
 * the first probe that passes. Each replica probes on its own; the incident store makes one
 * incident of their findings (alerts/incident-evaluator.ts).
 */
export function startProductProbe(options: ProductProbeOptions): ProductProbe {
  const { intervalMs, failures: threshold, timeoutMs } = options.config;
  const check = options.check ?? checkSubgraphHealth;
  const now = options.now ?? Date.now;
  const states = new Map<string, State>();
  let running: Promise<void> | null = null;

  async function round(): Promise<void> {
    const targets = options.targets();
    const headers = options.headers?.() ?? {};
    for (const product of states.keys()) if (!(product in targets)) states.delete(product);
    await Promise.all(
      Object.entries(targets).map(async ([product, url]) => {
        const health = await check(url, timeoutMs, headers).catch((error: unknown): SubgraphHealth => ({
          status: 'down',
          error: (error as Error).message,
        }));
        const at = now();
        let state = states.get(product);
        if (!state)
          states.set(
            product,
            (state = { failures: 0, since: null, lastError: null, lastOkAt: null, checkedAt: null }),
          );
        state.checkedAt = at;
        if (health.status === 'up') {
          state.failures = 0;
          state.since = null;
          state.lastOkAt = at;
        } else {
          state.failures += 1;
          state.since ??= at;
          state.lastError = health.error;
        }
        options.onProbe?.(product, health.status === 'up');
      }),
    );
  }

  const probe: ProductProbe = {
    reading(product) {
      const state = states.get(product);
      if (!state) return null;
      const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
      return {
        state: state.checkedAt === null ? 'unknown' : state.failures >= threshold ? 'down' : 'up',
        consecutiveFailures: state.failures,
        threshold,
        failingSince: iso(state.since),
        lastError: state.failures > 0 ? state.lastError : null,
        lastOkAt: iso(state.lastOkAt),
        checkedAt: iso(state.checkedAt),
      };
    },
    downs() {
      return [...states].flatMap(([product, s]) =>
        s.failures >= threshold && s.since !== null
          ? [
              {
                product,
                consecutiveFailures: s.failures,
                threshold,
                since: s.since,
                lastError: s.lastError ?? 'no answer',
                lastOkAt: s.lastOkAt,
                intervalMs,
              },
            ]
          : [],
      );
    },
    probeOnce() {
      running ??= round().finally(() => (running = null));
      return running;
    },
    async close() {
      clearInterval(timer);
      await running;
    },
  };
  const timer = setInterval(() => {
    if (!running) void probe.probeOnce();
  }, intervalMs);
  timer.unref();
  return probe;
}

/**
 * The subgraphs of the supergraph in service, at the URLs the gateway fetches them from
 * (SUBGRAPH_URLS over the supergraph's own); none before a supergraph is loaded.
 */
export function probeTargets(
  model: { readonly subgraphUrls: Readonly<Record<string, string>> } | null,
  overrides: Readonly<Record<string, string>>,
): Record<string, string> {
  if (!model) return {};
  return Object.fromEntries(
    Object.entries(model.subgraphUrls).map(([name, url]) => [name, overrides[name] ?? url]),
  );
}
