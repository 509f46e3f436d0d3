import { randomUUID } from 'node:crypto';
import type { ProbeDown } from '../health/product-probe.js';
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
  /** The products this replica's scheduled probe finds down (health/product-probe.ts); none when it is off. */
  probes?(): readonly ProbeDown[];
  /**
   * What the entity cache did for a product's consumers since `since` (epoch ms): the reads
   * it answered, and when the oldest entry it holds for the product expires.
   */
  shield?(product: string, since: number): Promise<CacheShield>;
}

/** The cache's part in an availability incident's evidence. */
export interface CacheShield {
  /** Fetches of the product the entity cache answered whole since the incident started (every replica's with Redis). */
  readonly readsServedFromCache: number;
  readonly since: string;
  /** When the oldest entry still cached for the product expires (this replica's L1): consumers are shielded until then at least; null with none cached. */
  readonly oldestEntryExpiresAt: string | null;
}

/** Incidents about the product answering at all: their evidence says what the cache shielded. */
const isAvailability = (c: IncidentCondition) =>
  c.kind === 'availability' || (c.kind === 'slo' && c.condition === 'availability');

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
  downs: readonly ProbeDown[] = [],
): Finding[] {
  const found: Finding[] = [];
  for (const d of downs)
    found.push({
      product: d.product,
      kind: 'availability',
      condition: 'probe',
      // Down since its first failed probe: that is when it stopped answering.
      startedAt: d.since,
      evidence: {
        probe: {
          consecutiveFailures: d.consecutiveFailures,
          threshold: d.threshold,
          intervalMs: d.intervalMs,
          failingSince: new Date(d.since).toISOString(),
          lastError: d.lastError,
          lastOkAt: d.lastOkAt === null ? null : new Date(d.lastOkAt).toISOString(),
        },
      },
    });
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
    if (r.passed || r.notMeasured || r.severity !== 'error') continue;
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
 * condition has cleared. An availability incident's evidence says what the entity cache
 * shielded (`cache`), refreshed while it is open and once more as it resolves. Runs on a timer off the request path; every replica may run it, the
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
    const downs = sources.probes?.() ?? [];
    const bad = findings(
      healths,
      results,
      readings,
      now,
      (c, fallback) => firstSeen.get(key(c)) ?? fallback,
      // A run of failures another replica's passing probe already ended (it resolved the
      // incident since) opens nothing: this replica has not probed again yet.
      await stillDown(downs, open),
    );
    const badKeys = new Set(bad.map(key));
    for (const k of firstSeen.keys()) if (!badKeys.has(k)) firstSeen.delete(k);
    for (const finding of bad) {
      if (!firstSeen.has(key(finding))) firstSeen.set(key(finding), finding.startedAt);
      const already = open.find((i) => key(i) === key(finding));
      if (already) {
        // Still down: the count of reads the cache shielded grows with the outage.
        if (isAvailability(already)) await refreshEvidence(already);
        continue;
      }
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
        evidence: isAvailability(finding)
          ? { ...finding.evidence, cache: await shieldOf(finding.product, startedAt) }
          : finding.evidence,
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
      // The last count, up to the repair, goes with the resolved notification.
      if (isAvailability(incident)) await refreshEvidence(incident);
      const done = await store.resolve(incident, new Date(now));
      if (done) await events.resolved?.(done);
    }
  }

  async function shieldOf(product: string, since: number): Promise<CacheShield | null> {
    return (await sources.shield?.(product, since).catch(() => null)) ?? null;
  }

  async function refreshEvidence(incident: Incident): Promise<void> {
    const read = await shieldOf(incident.product, Date.parse(incident.startedAt));
    if (!read) return;
    const previous = incident.evidence.cache as CacheShield | null | undefined;
    // Each replica knows its own L1: the oldest entry any of them reported is kept.
    const expiries = [previous?.oldestEntryExpiresAt, read.oldestEntryExpiresAt].filter(
      (e): e is string => typeof e === 'string',
    );
    const cache: CacheShield = {
      ...read,
      oldestEntryExpiresAt: expiries.length ? expiries.sort()[0]! : null,
    };
    if (
      previous?.readsServedFromCache === cache.readsServedFromCache &&
      previous.oldestEntryExpiresAt === cache.oldestEntryExpiresAt
    )
      return;
    await store.update(incident.id, (i) =>
      i.state === 'resolved' ? i : { ...i, evidence: { ...i.evidence, cache } },
    );
  }

  async function stillDown(downs: readonly ProbeDown[], open: readonly Incident[]): Promise<ProbeDown[]> {
    const unopened = downs.filter(
      (d) =>
        !open.some((i) => i.product === d.product && i.kind === 'availability' && i.condition === 'probe'),
    );
    if (unopened.length === 0) return [...downs];
    const all = await store.list();
    return downs.filter(
      (d) =>
        !unopened.includes(d) ||
        !all.some(
          (i) =>
            i.product === d.product &&
            i.kind === 'availability' &&
            i.condition === 'probe' &&
            i.resolvedAt !== null &&
            Date.parse(i.resolvedAt) >= d.since,
        ),
    );
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
