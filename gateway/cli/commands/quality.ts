import type { Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { ErrorCode } from '../../common/errors.js';
import type { FreshnessReading, QualityResult } from '../../health/types.js';
import {
  askGateway,
  gatewayBase,
  gatewayOptions,
  gatewayToken,
  type GatewayFlags,
} from '../gateway-target.js';

interface QualityFlags extends GatewayFlags {
  product?: string;
  json?: boolean;
}

/** A run of every product's rules may read millions of rows; the gateway bounds each statement. */
const RUN_TIMEOUT_MS = 300_000;

/**
 * `meshgate quality run|freshness|history`: the contracts' quality rules and freshness probes,
 * now, asked of a running gateway (`--url`/MESHGATE_URL, else the local one). The gateway
 * measures every product it serves that it can reach: a launcher's products in their own
 * databases and any product whose contract names a postgres `servers` entry. Results are
 * recorded in its quality store, as its schedule's are.
 */
export function registerQualityCommand(program: Command): void {
  const quality = program.command('quality').description("data products' quality rules and freshness");

  gatewayOptions(quality.command('run'))
    .description(
      'run the quality rules now: one result per rule; exit 1 when a blocking (severity error) rule fails',
    )
    .option('--product <name>', 'only this data product')
    .option('--json', 'print the results as a JSON array')
    .action(async (flags: QualityFlags) => {
      const { results } = await ask<{ results: QualityResult[] }>(flags, 'POST', '/admin/quality/run', {
        ...(flags.product && { product: flags.product }),
      });
      if (flags.json) console.log(JSON.stringify(results, null, 2));
      else printResults(results);
      if (results.some((r) => !r.passed && r.severity === 'error')) process.exitCode = 1;
    });

  gatewayOptions(quality.command('freshness'))
    .description("read each product's freshness element now: the newest value and its lag behind the SLA")
    .option('--product <name>', 'only this data product')
    .option('--json', 'print the readings as a JSON array')
    .action(async (flags: QualityFlags) => {
      const { results } = await ask<{ results: FreshnessReading[] }>(
        flags,
        'POST',
        '/admin/quality/freshness',
        { ...(flags.product && { product: flags.product }) },
      );
      if (flags.json) console.log(JSON.stringify(results, null, 2));
      else printFreshness(results);
    });

  gatewayOptions(quality.command('history'))
    .description("a rule's recorded results, newest first")
    .requiredOption('--product <name>', 'the data product')
    .requiredOption('--rule <id>', "the rule's id in the contract")
    .option('--limit <n>', 'how many', '20')
    .action(async (flags: QualityFlags & { product: string; rule: string; limit: string }) => {
      const query = new URLSearchParams({ product: flags.product, rule: flags.rule, limit: flags.limit });
      const { history } = await ask<{ history: QualityResult[] }>(
        flags,
        'GET',
        `/admin/quality/history?${query.toString()}`,
      );
      printResults(history);
    });
}

function ask<T>(flags: QualityFlags, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const config = loadConfig(process.env);
  return askGateway<T>({
    base: gatewayBase(config, flags),
    token: gatewayToken(config, flags, { sub: 'meshgate-cli', roles: ['data-steward'] }),
    path,
    method,
    body,
    code: ErrorCode.QUALITY_UNAVAILABLE,
    timeoutMs: RUN_TIMEOUT_MS,
  });
}

function printResults(results: readonly QualityResult[]): void {
  const rows = results.map((r) => [
    r.product,
    r.ruleId,
    r.dimension,
    r.metric,
    r.measured === null ? '-' : String(r.measured),
    r.threshold,
    r.passed ? 'passed' : r.severity === 'error' ? 'FAILED' : `failed (${r.severity})`,
    `${r.durationMs} ms`,
  ]);
  printTable(['product', 'rule', 'dimension', 'metric', 'measured', 'threshold', 'result', 'duration'], rows);
  for (const r of results) if (r.error) console.log(`  ${r.product}/${r.ruleId}: ${r.error}`);
  const failed = results.filter((r) => !r.passed);
  console.log(`${results.length} rules, ${results.length - failed.length} passed, ${failed.length} failed`);
}

function printFreshness(readings: readonly FreshnessReading[]): void {
  printTable(
    ['product', 'element', 'newest', 'lag', 'bound', 'result'],
    readings.map((r) => [
      r.product,
      r.element,
      r.newest ?? '-',
      r.lagSeconds === null ? '-' : `${r.lagSeconds} s`,
      `${r.maxLagSeconds} s`,
      r.error
        ? `error: ${r.error}`
        : r.lagSeconds !== null && r.lagSeconds <= r.maxLagSeconds
          ? 'fresh'
          : 'STALE',
    ]),
  );
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  console.log(line(header));
  for (const row of rows) console.log(line(row));
}
