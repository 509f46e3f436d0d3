import { join } from 'node:path';
import type { Command } from 'commander';
import { dataProducts, findDataProduct } from '../../../subgraphs/index.js';
import type { DataProduct } from '../../../subgraphs/kit/data-product.js';
import { openDatabase } from '../../../subgraphs/kit/database.js';
import { probeFreshness, runQuality } from '../../health/quality/index.js';
import { ensureSeeded } from '../../../subgraphs/kit/seed.js';
import { loadConfig, type MeshgateConfig } from '../../config/config.js';
import { openQualityStore } from '../../health/open-quality-store.js';
import type { FreshnessReading, QualityResult } from '../../health/types.js';
import { ONE_SHOT } from '../../redis/redis-connection.js';

/**
 * `meshgate quality run|freshness|history`: the contracts' quality rules and freshness probes,
 * now, against each product's own database — DATABASE_URL, or the embedded PGlite state in
 * MESHGATE_STATE_DIR (stop a mesh that uses the same state directory first: PGlite is one
 * process's). Results are recorded in the quality store (Redis with REDIS_URL).
 */
export function registerQualityCommand(program: Command): void {
  const quality = program.command('quality').description("data products' quality rules and freshness");

  quality
    .command('run')
    .description(
      'run the quality rules now: one result per rule; exit 1 when a blocking (severity error) rule fails',
    )
    .option('--product <name>', 'only this data product')
    .option('--json', 'print the results as a JSON array')
    .action(async (options: { product?: string; json?: boolean }) => {
      const config = loadConfig(process.env);
      const results = await withDatabases(config, options.product, (product, db) =>
        runQuality(product.descriptor, db, { statementTimeoutMs: config.quality.statementTimeoutMs }),
      );
      await record(config, (store) => store.record(results));
      if (options.json) console.log(JSON.stringify(results, null, 2));
      else printResults(results);
      if (results.some((r) => !r.passed && r.severity === 'error')) process.exitCode = 1;
    });

  quality
    .command('freshness')
    .description("read each product's freshness element now: the newest value and its lag behind the SLA")
    .option('--product <name>', 'only this data product')
    .option('--json', 'print the readings as a JSON array')
    .action(async (options: { product?: string; json?: boolean }) => {
      const config = loadConfig(process.env);
      const readings = await withDatabases(config, options.product, async (product, db) => {
        const reading = await probeFreshness(product.descriptor, db, {
          statementTimeoutMs: config.quality.statementTimeoutMs,
        });
        return reading ? [reading] : [];
      });
      await record(config, (store) => store.recordFreshness(readings));
      if (options.json) console.log(JSON.stringify(readings, null, 2));
      else printFreshness(readings);
    });

  quality
    .command('history')
    .description("a rule's recorded results, newest first (REDIS_URL: every run's; else none)")
    .requiredOption('--product <name>', 'the data product')
    .requiredOption('--rule <id>', "the rule's id in the contract")
    .option('--limit <n>', 'how many', '20')
    .action(async (options: { product: string; rule: string; limit: string }) => {
      const config = loadConfig(process.env);
      findDataProduct(options.product);
      const { store, close } = openQualityStore(config.quality, ONE_SHOT);
      try {
        const history = await store.history(
          options.product,
          options.rule,
          Math.max(1, Number(options.limit) || 20),
        );
        printResults(history);
      } finally {
        await close();
      }
    });
}

async function withDatabases<T>(
  config: MeshgateConfig,
  only: string | undefined,
  work: (product: DataProduct, db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T[]>,
): Promise<T[]> {
  const products = only ? [findDataProduct(only)] : dataProducts;
  const out: T[] = [];
  for (const product of products) {
    const db = await openDatabase({
      schema: product.name,
      url: config.databaseUrl,
      dataDir: config.databaseUrl ? undefined : join(config.stateDir, 'pglite', product.name),
    });
    try {
      await ensureSeeded(db, product.sql);
      out.push(...(await work(product, db)));
    } finally {
      await db.close();
    }
  }
  return out;
}

async function record(
  config: MeshgateConfig,
  write: (store: ReturnType<typeof openQualityStore>['store']) => Promise<void>,
): Promise<void> {
  // Without Redis the store is this process's memory: nothing to keep after it exits.
  if (!config.quality.redis) return;
  const { store, close } = openQualityStore(config.quality, ONE_SHOT);
  try {
    await write(store);
  } finally {
    await close();
  }
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
