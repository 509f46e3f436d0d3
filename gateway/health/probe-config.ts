import { z } from 'zod';

/**
 * The scheduled health probe's environment variables (product-probe.ts), as zod fields
 * `gateway/config/config.ts` adds to its schema. Nothing here reads `process.env`.
 */
export const probeEnv = {
  /** `on`: the gateway probes every product's subgraph on a timer, traffic or not. */
  MESHGATE_PROBE: z.enum(['on', 'off']).default('on'),
  /** How often each product is probed, off the request path; also each probe's timeout (at most 2 s). */
  MESHGATE_PROBE_INTERVAL_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int('must be an integer')
    .min(100, 'must be from 100 to 600000')
    .max(600_000, 'must be from 100 to 600000')
    .default(5_000),
  /** Failed probes in a row that make a product down and open its availability incident. */
  MESHGATE_PROBE_FAILURES: z.coerce
    .number({ error: 'must be a whole number of probes' })
    .int('must be an integer')
    .min(1, 'must be from 1 to 100')
    .max(100, 'must be from 1 to 100')
    .default(3),
};

type ProbeEnv = z.infer<z.ZodObject<typeof probeEnv>>;

export interface ProbeConfig {
  readonly enabled: boolean;
  readonly intervalMs: number;
  /** N: consecutive failures that make a product down. */
  readonly failures: number;
  /** One probe's bound: the interval, at most 2 s (the catalog's own bound). */
  readonly timeoutMs: number;
}

export function probeConfig(e: ProbeEnv): ProbeConfig {
  return Object.freeze({
    enabled: e.MESHGATE_PROBE === 'on',
    intervalMs: e.MESHGATE_PROBE_INTERVAL_MS,
    failures: e.MESHGATE_PROBE_FAILURES,
    timeoutMs: Math.min(e.MESHGATE_PROBE_INTERVAL_MS, 2_000),
  });
}
