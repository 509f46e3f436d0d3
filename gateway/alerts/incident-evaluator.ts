import { randomUUID } from 'node:crypto';
import { MIN_ALERT_FETCHES } from '../health/slo-windows.js';
import type { ProductHealth } from '../health/slo-types.js';
import type { FreshnessReading, QualityResult } from '../health/types.js';
import type { Incident, IncidentCondition, IncidentStore } from './incident-types.js';

/** A condition found bad in one evaluation: what it is, since when, and the numbers showing it. */
export interface Finding extends IncidentCondition {
  readonly startedAt: number;
  readonly evidence: Readonly<Record<string, unknown>>;
}

export interface IncidentSources {
  sloStatus(): Promise<readonly ProductHealth[]>;
  /** The newest result of every quality rule, and the newest freshness readings. */
  quality?: {
    latest(): Promise<readonly QualityResult[]>;
    latestFreshness(): Promise<readonly FreshnessReading[]>;
  };
  /** Principals that read the product in the last 7 days (lineage); none when lineage is off. */
  consumers?(product: string): Promise<readonly string[]>;
}

export interface IncidentEvents {
  opened?(incident: Incident): void | Promise<void>;
  resolved?(incident: Incident): void | Promise<void>;
}

/** The latency SLO: p95 under the target means at most 5% of fetches slower, over 1 h and 5 m both. */
const LATENCY_GOOD = 0.95;

/** What is bad now, per the gateway's own SLO status and the latest quality and freshness results. */
export function findings(
  healths: readonly ProductHealth[],
  results: readonly QualityResult[],
  freshness: readonly FreshnessReading[],
  now: number,
  firstBad: (condition: IncidentCondition, fallback: number) => number,
): Finding[] {
  const found: Finding[] = [];
  for (const h of healths) {
    const w = h.measured.windows;
    const page = h.measured.alerts.filter((a) => a.severity === 'page' && a.firing);
    if (page.length) {
      const condition = { product: h.product, kind: 'slo', condition: 'availability' } as const;
      found.push({
        ...condition,
        startedAt: firstBad(condition, now),
        evidence: {
          alerts: page.map((a) => ({ long: a.long, short: a.short, factor: a.factor })),
          burnRates: Object.fromEntries(Object.values(w).map((x) => [x.window, x.burnRate])),
          errors: Object.fromEntries(
            Object.values(w).map((x) => [x.window, { errors: x.errors, fetches: x.fetches }]),
          ),
          errorBudget: h.measured.errorBudget,
        },
      });
    }
    const slow = (x: (typeof w)['1h']) =>
      x.fetches >= MIN_ALERT_FETCHES && x.latencyGoodRatio !== null && x.latencyGoodRatio < LATENCY_GOOD;
    if (slow(w['1h']) && slow(w['5m'])) {
      const condition = { product: h.product, kind: 'slo', condition: 'latency' } as const;
      found.push({
        ...condition,
        startedAt: firstBad(condition, now),
        evidence: {
          latencyP95TargetMs: h.declared?.latencyP95Ms ?? null,
          latencyGoodRatio: { '1h': w['1h'].latencyGoodRatio, '5m': w['5m'].latencyGoodRatio },
          p95Ms: { '1h': w['1h'].latencyMs.p95, '5m': w['5m'].latencyMs.p95 },
        },
      });
    }
  }
  for (const r of results) {
    if (r.passed || r.severity !== 'error') continue;
    found.push({
      product: r.product,
      kind: 'quality',
      condition: r.ruleId,
      startedAt: Date.parse(r.at),
      evidence: { result: r },
    });
  }
  for (const f of freshness) {
    if (f.lagSeconds === null || f.lagSeconds <= f.maxLagSeconds) continue;
    // Stale since the newest row became older than the bound.
    const since = f.newest ? Date.parse(f.newest) + f.maxLagSeconds * 1_000 : Date.parse(f.at);
    found.push({
      product: f.product,
      kind: 'freshness',
      condition: f.element,
      startedAt: since,
      evidence: { reading: f },
    });
  }
  return found;
}

/**
 * Opens an incident for every bad condition without one, and resolves open incidents whose
 * condition has cleared. Runs on a timer off the request path; every replica may run it, the
 * store makes one incident per condition of them.
 */
export function createIncidentEvaluator(
  store: IncidentStore,
  sources: IncidentSources,
  events: IncidentEvents = {},
) {
  // When this replica first saw an SLO condition bad, since it was last good: the incident's start.
  const firstSeen = new Map<string, number>();
  const key = (c: IncidentCondition) => `${c.product}:${c.kind}:${c.condition}`;
  let running: Promise<void> | null = null;

  async function evaluateOnce(now = Date.now()): Promise<void> {
    const [healths, results, readings, open] = await Promise.all([
      sources.sloStatus(),
      sources.quality?.latest() ?? [],
      sources.quality?.latestFreshness() ?? [],
      store.list({ open: true }),
    ]);
    const bad = findings(healths, results, readings, now, (c, fallback) => firstSeen.get(key(c)) ?? fallback);
    const badKeys = new Set(bad.map(key));
    for (const k of firstSeen.keys()) if (!badKeys.has(k)) firstSeen.delete(k);
    for (const finding of bad) {
      if (!firstSeen.has(key(finding))) firstSeen.set(key(finding), finding.startedAt);
      if (open.some((i) => key(i) === key(finding))) continue;
      const startedAt = Math.min(finding.startedAt, now);
      const candidate: Incident = {
        id: randomUUID(),
        product: finding.product,
        kind: finding.kind,
        condition: finding.condition,
        state: 'open',
        startedAt: new Date(startedAt).toISOString(),
        detectedAt: new Date(now).toISOString(),
        notifiedAt: null,
        resolvedAt: null,
        acknowledgedBy: null,
        acknowledgedAt: null,
        evidence: finding.evidence,
        consumers: (await sources.consumers?.(finding.product).catch(() => [])) ?? [],
        timeToDetectMs: now - startedAt,
        timeToNotifyMs: null,
        timeToRepairMs: null,
      };
      const { incident, created } = await store.open(candidate);
      if (created) await events.opened?.(incident);
    }
    for (const incident of open) {
      if (badKeys.has(key(incident))) continue;
      const done = await store.resolve(incident, new Date(now));
      if (done) await events.resolved?.(done);
    }
  }

  return {
    /** One evaluation; concurrent calls share the running one. */
    evaluate(now?: number): Promise<void> {
      running ??= evaluateOnce(now).finally(() => (running = null));
      return running;
    },
    /** Evaluates every `intervalMs` until the returned function is called; errors go to `onError`. */
    start(intervalMs: number, onError: (error: unknown) => void): () => void {
      const timer = setInterval(() => void this.evaluate().catch(onError), intervalMs);
      timer.unref();
      return () => clearInterval(timer);
    },
  };
}

export type IncidentEvaluator = ReturnType<typeof createIncidentEvaluator>;
