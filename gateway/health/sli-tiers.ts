import type { SloWindow, TierName } from './slo-types.js';

export interface Tier {
  readonly name: TierName;
  readonly sizeMs: number;
  /** How long its buckets are kept (Redis TTL; pruned from memory). */
  readonly retentionMs: number;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * Three resolutions, so that every window reads few buckets: 10 s for the 5-minute window
 * (30 buckets), 5 min up to 6 h (72), 1 h for 3 and 30 days (720). Each fetch is counted in
 * all three, once per flush, not per fetch. The coarse tier outlives the 30-day window.
 */
export const TIERS: Readonly<Record<TierName, Tier>> = Object.freeze({
  '10s': { name: '10s', sizeMs: 10_000, retentionMs: 2 * HOUR },
  '5m': { name: '5m', sizeMs: 5 * MINUTE, retentionMs: 2 * DAY },
  '1h': { name: '1h', sizeMs: HOUR, retentionMs: 32 * DAY },
});

export const TIER_NAMES: readonly TierName[] = ['10s', '5m', '1h'];

export interface WindowSpec {
  readonly ms: number;
  readonly tier: Tier;
}

/** Each window, read from the coarsest tier that still resolves it. */
export const WINDOWS: Readonly<Record<SloWindow, WindowSpec>> = Object.freeze({
  '5m': { ms: 5 * MINUTE, tier: TIERS['10s'] },
  '30m': { ms: 30 * MINUTE, tier: TIERS['5m'] },
  '1h': { ms: HOUR, tier: TIERS['5m'] },
  '6h': { ms: 6 * HOUR, tier: TIERS['5m'] },
  '3d': { ms: 3 * DAY, tier: TIERS['1h'] },
  '30d': { ms: 30 * DAY, tier: TIERS['1h'] },
});

export const SLO_WINDOWS: readonly SloWindow[] = ['5m', '30m', '1h', '6h', '3d', '30d'];

export function bucketStart(time: number, tier: Tier): number {
  return time - (time % tier.sizeMs);
}

/**
 * The bucket starts a window covers at `now`: the current (partial) bucket and those before
 * it, `ms / sizeMs` in all. Windows are so aligned to bucket boundaries.
 */
export function windowRange(window: WindowSpec, now: number): { from: number; to: number } {
  const to = bucketStart(now, window.tier);
  return { from: to - window.ms + window.tier.sizeMs, to };
}
