import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import { composeSupergraph } from '../schema/compose.js';
import { directoryRegistry } from '../schema/registry/directory-registry.js';
import { supergraphRecord } from '../schema/registry/supergraph-record.js';
import { BASE_ENV } from './contenders.js';
import { spawnProcess, waitForGraphQL, type ManagedProcess } from './processes.js';
import { serveSyntheticMesh, syntheticMesh, type SyntheticProduct } from './scale/synthetic-mesh.js';
import { MESHGATE_BIN } from './subgraph-mesh.js';

/**
 * `npm run bench:scale -- --products 10 --products 50`: how meshgate's cost grows with the
 * mesh (issue 30). Per N: composition time; time to ready and RSS of stock @apollo/gateway
 * and of meshgate (policies and lineage on) on the same supergraph, in the same run; the
 * first (cold-plan) and second (cached-plan) latency of each product's operation; and p99 in
 * the 10 s after a registry reload against steady state, with plan warm-up and without.
 * Writes bench/results/<time>-scale.json and .svg (drawn by vega-lite).
 */
const { values } = parseArgs({
  options: {
    products: { type: 'string', multiple: true, default: ['10'] },
    'steady-seconds': { type: 'string', default: '5' },
    'reload-seconds': { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '4' },
  },
});
const sizes = values.products.flatMap((v) => v.split(',')).map(Number);
const STEADY_MS = Number(values['steady-seconds']) * 1000;
const RELOAD_MS = Number(values['reload-seconds']) * 1000;
const CONCURRENCY = Number(values.concurrency);
const STOCK_SCRIPT = new URL('./contenders/stock-apollo.ts', import.meta.url).pathname;
const RESULTS = new URL('./results/', import.meta.url).pathname;

interface Started {
  readonly proc: ManagedProcess;
  readonly url: string;
  readonly readyMs: number;
  readonly rssMb: number;
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Math.round(Number(line?.split(/\s+/)[1] ?? 0) / 1024);
}

async function started(proc: ManagedProcess, url: Promise<string>, t0: number): Promise<Started> {
  const at = await url;
  await waitForGraphQL(at, proc, {}, 300_000);
  return { proc, url: at, readyMs: Math.round(performance.now() - t0), rssMb: rssMb(proc.pid) };
}

async function startStock(supergraph: string, port: number): Promise<Started> {
  const t0 = performance.now();
  const proc = spawnProcess(
    'stock @apollo/gateway',
    process.execPath,
    ['--import', 'tsx', STOCK_SCRIPT, supergraph, String(port)],
    {
      ...process.env,
      ...BASE_ENV,
    },
  );
  return started(proc, proc.waitForLine(/^stock @apollo\/gateway: (\S+)/, 300_000), t0);
}

async function startMeshgate(args: string[], env: Record<string, string>): Promise<Started> {
  const t0 = performance.now();
  const proc = spawnProcess('meshgate', process.execPath, [MESHGATE_BIN, 'gateway', ...args, '--port', '0'], {
    ...process.env,
    ...BASE_ENV,
    MESHGATE_CACHE: 'off',
    MESHGATE_PROBE: 'off',
    MESHGATE_POLICY: 'on',
    MESHGATE_LINEAGE: 'on',
    ...env,
  });
  return started(proc, proc.waitForLine(/^meshgate gateway: (\S+)/, 300_000), t0);
}

async function timed(url: string, query: string): Promise<{ ms: number; ok: boolean }> {
  const t = performance.now();
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    const body = (await response.json()) as { errors?: unknown[] };
    return { ms: performance.now() - t, ok: response.ok && !body.errors };
  } catch {
    return { ms: performance.now() - t, ok: false };
  }
}

const quantile = (xs: readonly number[], q: number) => {
  if (!xs.length) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]! * 10) / 10;
};

/** Closed-loop load over `operations` until `stop()`; every request's start time and latency. */
function load(url: string, operations: readonly string[]) {
  const samples: { at: number; ms: number; ok: boolean }[] = [];
  let running = true;
  const workers = Array.from({ length: CONCURRENCY }, async (_, w) => {
    for (let k = w; running; k += CONCURRENCY) {
      const at = performance.now();
      const { ms, ok } = await timed(url, operations[k % operations.length]!);
      samples.push({ at, ms, ok });
    }
  });
  return {
    samples,
    stop: async () => {
      running = false;
      await Promise.all(workers);
    },
  };
}

async function reloadRun(
  dir: string,
  v1: string,
  v2: string,
  operations: readonly string[],
  warmup: boolean,
): Promise<Record<string, number | boolean>> {
  const registryDir = mkdtempSync(join(dir, 'registry-'));
  const registry = directoryRegistry(registryDir, 200);
  const commit = (sdl: string, version: number) =>
    registry.commit(
      {
        subgraphs: [],
        supergraph: supergraphRecord({
          version,
          sdl,
          subgraphs: {},
          publishedBy: 'bench',
          reason: `v${version}`,
        }),
      },
      version - 1,
    );
  await commit(v1, 1);
  const gateway = await startMeshgate(['--registry'], {
    REGISTRY_DIR: registryDir,
    REGISTRY_POLL_MS: '200',
    POLICY_DIR: join(dir, 'policies'),
    QUERY_PLANNING_TIMEOUT_MS: '10000',
    PLAN_WARMUP: warmup ? 'on' : 'off',
  });
  try {
    for (const operation of operations) await timed(gateway.url, operation); // steady state: all planned
    const traffic = load(gateway.url, operations);
    await new Promise((r) => setTimeout(r, STEADY_MS));
    // With the planner worker (QUERY_PLANNING_TIMEOUT_MS on): its copy of the planner is in this RSS.
    const rssSteadyMb = rssMb(gateway.proc.pid);
    const published = performance.now();
    await commit(v2, 2);
    // Served: the new supergraph's field validates (not /ready's version: with a warm-up, the
    // registry reports it before the swap).
    const servesV2 = async () => {
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ p0Extra }' }),
      });
      return !JSON.stringify(await response.json()).includes('GRAPHQL_VALIDATION_FAILED');
    };
    while (!(await servesV2()) && performance.now() - published < 60_000)
      await new Promise((r) => setTimeout(r, 20));
    const served = performance.now();
    await new Promise((r) => setTimeout(r, RELOAD_MS));
    await traffic.stop();
    const steady = traffic.samples.filter((s) => s.at < published).map((s) => s.ms);
    const after = traffic.samples
      .filter((s) => s.at >= published && s.at < published + RELOAD_MS)
      .map((s) => s.ms);
    const metrics = await (await fetch(gateway.url.replace('/graphql', '/metrics'))).text();
    const metric = (name: string) =>
      Number(
        metrics
          .split('\n')
          .find((l) => l.startsWith(`${name} `))
          ?.split(' ')[1] ?? NaN,
      );
    return {
      warmup,
      readyMs: gateway.readyMs,
      rssAtReadyMb: gateway.rssMb,
      rssSteadyMb,
      steadyP99Ms: quantile(steady, 0.99),
      reloadP99Ms: quantile(after, 0.99),
      reloadMaxMs: quantile(after, 1),
      ratio: Math.round((quantile(after, 0.99) / quantile(steady, 0.99)) * 100) / 100,
      publishToServedMs: Math.round(served - published),
      requests: traffic.samples.length,
      failed: traffic.samples.filter((s) => !s.ok).length,
      plansWarmed: metric('meshgate_query_plans_warmed_total'),
      coldPlansInWorker: metric('meshgate_query_plans_worker_total'),
      warmupSecondsSum: metric('meshgate_query_plan_warmup_seconds_sum'),
    };
  } finally {
    await gateway.proc.stop();
    await registry.close();
  }
}

async function measure(n: number, dir: string) {
  const products: SyntheticProduct[] = syntheticMesh(n);
  const served = await serveSyntheticMesh(products);
  try {
    const sources = products.map((p) => ({ name: p.name, url: served.urls[p.name]!, sdl: p.sdl }));
    const t = performance.now();
    const composed = composeSupergraph(sources);
    const composeMs = Math.round(performance.now() - t);
    if (!composed.ok) throw new Error(`N=${n} does not compose: ${composed.errors[0]?.message}`);
    // The reload's supergraph: product 0 adds a field (one product's publish).
    const changed = composeSupergraph(
      sources.map((s, i) => (i === 0 ? { ...s, sdl: `${s.sdl}\nextend type Query { p0Extra: Int }\n` } : s)),
    );
    if (!changed.ok) throw new Error('the changed mesh does not compose');
    const path = join(dir, 'supergraph.graphql');
    writeFileSync(path, composed.supergraphSdl);
    const operations = products.slice(0, 50).map((p) => p.operation);

    const stock = await startStock(path, 0);
    const stockResult = { readyMs: stock.readyMs, rssAtReadyMb: stock.rssMb };
    await stock.proc.stop();

    const meshgate = await startMeshgate(['--supergraph', path], { POLICY_DIR: join(dir, 'policies') });
    const cold: number[] = [];
    const warm: number[] = [];
    let failed = 0;
    for (const operation of operations) {
      const first = await timed(meshgate.url, operation);
      cold.push(first.ms);
      if (!first.ok) failed += 1;
      warm.push((await timed(meshgate.url, operation)).ms);
    }
    const meshgateResult = {
      readyMs: meshgate.readyMs,
      rssAtReadyMb: meshgate.rssMb,
      rssAfterLoadMb: rssMb(meshgate.proc.pid),
      firstRequestP50Ms: quantile(cold, 0.5),
      firstRequestP99Ms: quantile(cold, 0.99),
      cachedPlanP50Ms: quantile(warm, 0.5),
      cachedPlanP99Ms: quantile(warm, 0.99),
      failedOperations: failed,
    };
    await meshgate.proc.stop();

    const reload = {
      withWarmup: await reloadRun(dir, composed.supergraphSdl, changed.supergraphSdl, operations, true),
      withoutWarmup: await reloadRun(dir, composed.supergraphSdl, changed.supergraphSdl, operations, false),
    };
    return {
      products: n,
      supergraphBytes: Buffer.byteLength(composed.supergraphSdl),
      composeMs,
      stock: stockResult,
      meshgate: meshgateResult,
      ratios: {
        ready: Math.round((meshgateResult.readyMs / stockResult.readyMs) * 100) / 100,
        rss: Math.round((meshgateResult.rssAtReadyMb / stockResult.rssAtReadyMb) * 100) / 100,
      },
      reload,
    };
  } finally {
    await served.close();
  }
}

type Row = Awaited<ReturnType<typeof measure>>;

async function chart(rows: readonly Row[]): Promise<string> {
  const data = rows.flatMap((r) => [
    { products: r.products, metric: 'compose (s)', series: 'composition', value: r.composeMs / 1000 },
    {
      products: r.products,
      metric: 'time to ready (s)',
      series: 'stock @apollo/gateway',
      value: r.stock.readyMs / 1000,
    },
    {
      products: r.products,
      metric: 'time to ready (s)',
      series: 'meshgate',
      value: r.meshgate.readyMs / 1000,
    },
    {
      products: r.products,
      metric: 'RSS at ready (MB)',
      series: 'stock @apollo/gateway',
      value: r.stock.rssAtReadyMb,
    },
    { products: r.products, metric: 'RSS at ready (MB)', series: 'meshgate', value: r.meshgate.rssAtReadyMb },
    {
      products: r.products,
      metric: 'p99 (ms)',
      series: 'steady state',
      value: r.reload.withWarmup.steadyP99Ms,
    },
    {
      products: r.products,
      metric: 'p99 (ms)',
      series: '10 s after reload, warm-up',
      value: r.reload.withWarmup.reloadP99Ms,
    },
    {
      products: r.products,
      metric: 'p99 (ms)',
      series: '10 s after reload, no warm-up',
      value: r.reload.withoutWarmup.reloadP99Ms,
    },
  ]);
  const spec: vegaLite.TopLevelSpec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    title: 'meshgate cost against mesh size (synthetic mesh, shared 2-core machine)',
    data: { values: data },
    facet: { field: 'metric', type: 'nominal', title: null },
    columns: 2,
    resolve: { scale: { y: 'independent' } },
    spec: {
      width: 260,
      height: 160,
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'products', type: 'quantitative', title: 'data products (N)' },
        y: { field: 'value', type: 'quantitative', title: null },
        color: { field: 'series', type: 'nominal', title: null },
      },
    },
  };
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}

const dir = mkdtempSync(join(tmpdir(), 'meshgate-scale-'));
mkdirSync(join(dir, 'policies'));
try {
  const rows: Row[] = [];
  for (const n of sizes) {
    console.log(`N=${n}…`);
    const row = await measure(n, dir);
    console.log(JSON.stringify(row));
    rows.push(row);
  }
  const stamp = new Date().toISOString().slice(0, 16).replace(/[-:]/g, '').replace('T', 'T');
  const base = join(RESULTS, `${stamp}-scale`);
  writeFileSync(
    `${base}.json`,
    JSON.stringify(
      {
        machine: 'shared 2-core machine, loaded by other sessions',
        sizes,
        steadyMs: STEADY_MS,
        reloadMs: RELOAD_MS,
        concurrency: CONCURRENCY,
        rows,
      },
      null,
      2,
    ),
  );
  writeFileSync(`${base}.svg`, await chart(rows));
  console.log(`wrote ${base}.json and ${base}.svg`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
