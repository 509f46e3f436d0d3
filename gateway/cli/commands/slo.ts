import type { Command } from 'commander';
import { issueToken } from '../../auth/index.js';
import { loadConfig, type MeshgateConfig } from '../../config/config.js';
import { ErrorCode, StartupError } from '../../common/errors.js';
import { SLO_WINDOWS, type ProductHealth } from '../../health/index.js';
import { withRedisHealth } from '../redis-health.js';
import { gatewayBase, gatewayOptions, namedGateway, type GatewayFlags } from '../gateway-target.js';

interface SloFlags extends GatewayFlags {
  product?: string;
  json?: boolean;
}

/**
 * `meshgate slo`: each data product's health, SLIs per window, error budget and burn rates.
 * With `--url` (or MESHGATE_URL) it asks that gateway's GET /admin/slo, from any directory;
 * else with REDIS_URL it reads the shared SLI store (every replica's numbers); else it asks
 * the local gateway.
 */
export function registerSloCommand(program: Command): void {
  gatewayOptions(program.command('slo'))
    .description('data product health: SLIs per window against the SLA, error budget, burn rates, reasons')
    .option('--product <name>', 'only this data product')
    .option('--json', 'print JSON (what GET /admin/slo answers)')
    .action(async (flags: SloFlags) => {
      const config = loadConfig();
      if (!config.sli.enabled)
        throw new StartupError(
          ErrorCode.SLO_UNAVAILABLE,
          'SLIs are off (MESHGATE_SLI=off): nothing is measured',
        );
      const products =
        config.sli.redis && !namedGateway(flags)
          ? await fromRedis(config, flags.product)
          : await fromGateway(config, flags);
      if (flags.product && products.length === 0)
        throw new StartupError(
          ErrorCode.UNKNOWN_SUBGRAPH,
          `no data product "${flags.product}" in the supergraph`,
        );
      console.log(flags.json ? JSON.stringify({ products }, null, 2) : products.map(render).join('\n\n'));
    });
}

async function fromRedis(config: MeshgateConfig, product: string | undefined): Promise<ProductHealth[]> {
  try {
    return await withRedisHealth(config, (slo) => slo.sloStatus(product));
  } catch (cause) {
    throw new StartupError(
      ErrorCode.SLO_UNAVAILABLE,
      `cannot read SLIs from ${config.sli.redis?.describe ?? 'Redis'}: ${(cause as Error).message}`,
      cause,
    );
  }
}

async function fromGateway(config: MeshgateConfig, flags: SloFlags): Promise<ProductHealth[]> {
  const base = gatewayBase(config, flags);
  const url = new URL('/admin/slo', base);
  if (flags.product) url.searchParams.set('product', flags.product);
  const token = flags.token ?? process.env.MESHGATE_TOKEN ?? stewardToken(config);
  let response: Response;
  try {
    response = await fetch(url, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(10_000),
    });
  } catch (cause) {
    const why = (cause as { cause?: { code?: string } }).cause?.code ?? (cause as Error).message;
    throw new StartupError(
      ErrorCode.SLO_UNAVAILABLE,
      `cannot reach the gateway at ${base} (${why}); start it or pass --url URL`,
    );
  }
  const body = (await response.json().catch(() => ({}))) as {
    products?: ProductHealth[];
    error?: { code?: string; message?: string };
  };
  if (!response.ok || !body.products) {
    const code = Object.values(ErrorCode).find((c) => c === body.error?.code) ?? ErrorCode.SLO_UNAVAILABLE;
    throw new StartupError(
      code,
      `${url.pathname}: HTTP ${response.status}: ${body.error?.message ?? 'no SLOs in the answer'}`,
    );
  }
  return body.products;
}

/** A short-lived data-steward token from the key this checkout signs with (as `meshgate token`). */
function stewardToken(config: MeshgateConfig): string {
  try {
    return issueToken(config.security.auth, config.stateDir, {
      sub: 'meshgate-slo',
      roles: ['data-steward'],
      ttlSeconds: 60,
    });
  } catch (cause) {
    throw new StartupError(
      ErrorCode.TOKEN_INVALID,
      `cannot sign a token here (${(cause as Error).message}); pass --token with role admin or data-steward`,
    );
  }
}

const pct = (v: number | null) => (v === null ? '–' : `${(v * 100).toFixed(3)}%`);
const num = (v: number | null, digits = 1) => (v === null ? '–' : v.toFixed(digits));

function render(h: ProductHealth): string {
  const m = h.measured;
  const lines = [
    `${h.product}  ${h.state.toUpperCase()}  (measured: ${m.source === 'shared' ? 'every replica' : 'this replica only'})`,
    ...h.reasons.map((r) => `  - ${r}`),
    h.declared
      ? `  declared: availability ${h.declared.availabilityPercent}%, p95 ≤ ${h.declared.latencyP95Ms} ms, errors ≤ ${h.declared.errorRatePercent}%, freshness ≤ ${h.declared.freshness.maxLagSeconds} s`
      : '  declared: no descriptor',
    `  probe: ${probeLine(m.probe)}`,
    '  origin (fetches that reached the product, and its probes; the SLA, budget and alerts read this view)',
    `  ${'window'.padEnd(7)}${'fetches'.padStart(9)}${'availability'.padStart(14)}${'p95 ms'.padStart(9)}${'≤target'.padStart(10)}${'burn'.padStart(8)}${'per s'.padStart(9)}`,
  ];
  for (const window of SLO_WINDOWS) {
    const w = m.windows[window];
    lines.push(
      `  ${window.padEnd(7)}${String(w.fetches).padStart(9)}${pct(w.availability).padStart(14)}${num(w.latencyMs.p95).padStart(9)}${pct(w.latencyGoodRatio).padStart(10)}${num(w.burnRate, 2).padStart(8)}${num(w.throughputPerSecond, 2).padStart(9)}`,
    );
  }
  // A gateway from before the two views answers without `served`.
  if (m.served) {
    lines.push(
      '  served (what consumers got, entity cache hits included)',
      `  ${'window'.padEnd(7)}${'fetches'.padStart(9)}${'availability'.padStart(14)}${'p95 ms'.padStart(9)}${'from cache'.padStart(12)}`,
    );
    for (const window of SLO_WINDOWS) {
      const w = m.served[window];
      lines.push(
        `  ${window.padEnd(7)}${String(w.fetches).padStart(9)}${pct(w.availability).padStart(14)}${num(w.latencyMs.p95).padStart(9)}${String(m.servedFromCache?.[window] ?? '–').padStart(12)}`,
      );
    }
  }
  lines.push(
    `  error budget: ${m.errorBudget === null ? '–' : pct(m.errorBudget)} of fetches; ${pct(m.errorBudgetRemaining)} left over 30d`,
    `  alerts: ${m.alerts.map((a) => `${a.severity} ${a.long}+${a.short} >${a.factor}×: ${a.firing ? 'FIRING' : 'ok'}`).join('; ')}`,
    `  freshness lag: ${m.freshnessLagSeconds === null ? 'not measured' : `${Math.round(m.freshnessLagSeconds)} s`}; quality: ${m.qualityPassRatio === null ? 'not measured' : `${pct(m.qualityPassRatio)} passed`}`,
  );
  return lines.join('\n');
}

function probeLine(probe: ProductHealth['measured']['probe'] | undefined): string {
  if (!probe) return 'not probed here (MESHGATE_PROBE=off, or read from Redis: ask a gateway with --gateway)';
  if (probe.state === 'unknown') return 'not probed yet';
  if (probe.state === 'up')
    return probe.consecutiveFailures > 0
      ? `up (${probe.consecutiveFailures} failed in a row of ${probe.threshold} allowed: ${probe.lastError ?? ''})`
      : `up (last checked ${probe.checkedAt ?? '–'})`;
  return `DOWN: ${probe.consecutiveFailures} probes in a row failed since ${probe.failingSince ?? '–'} (${probe.lastError ?? 'no answer'}); last up ${probe.lastOkAt ?? 'never'}`;
}
