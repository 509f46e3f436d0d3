import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as vega from 'vega';
import * as vegaLite from 'vega-lite';
import { fileURLToPath } from 'node:url';
import { runCheck } from '../schema/check/index.js';
import { composeSupergraph } from '../schema/compose.js';
import { directoryRegistry } from '../schema/registry/directory-registry.js';
import { supergraphRecord } from '../schema/registry/supergraph-record.js';
import type { PublishedSubgraph } from '../schema/registry/types.js';
import { BASE_ENV } from './contenders.js';
import { spawnProcess, waitForGraphQL, type ManagedProcess } from './processes.js';
import {
  serveSyntheticMesh,
  syntheticMesh,
  syntheticPolicies,
  type SyntheticProduct,
} from './scale/synthetic-mesh.js';
import { syntheticDescriptors } from './scale/synthetic-contracts.js';
import { MESHGATE_BIN } from './subgraph-mesh.js';

/**
 * `npm run bench:scale -- --products 10 --products 50`: how meshgate's cost grows with the
 * mesh (issue 30). Per N: composition time; time to ready and RSS of stock @apollo/gateway
 * and of meshgate (policies and lineage on, reading the supergraph and every product's
 * contract from a registry) on the same supergraph, in the same run; the
 * first (cold-plan) and second (cached-plan) latency of each product's operation; the check of
 * one product's change against what is in service (runCheck, as a registry runs it); and, on two
 * replicas of one registry under load, five publishes: each one's time until both serve it and
 * p99 in the 10 s after it against steady state, with plan warm-up and without.
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
const ROOT = fileURLToPath(new URL('..', import.meta.url));

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

/** Closed-loop load over `operations`, spread over `urls` (the replicas), until `stop()`. */
function load(urls: readonly string[], operations: readonly string[]) {
  const samples: { at: number; ms: number; ok: boolean }[] = [];
  let running = true;
  const workers = Array.from({ length: CONCURRENCY }, async (_, w) => {
    for (let k = w; running; k += CONCURRENCY) {
      const at = performance.now();
      const { ms, ok } = await timed(urls[k % urls.length]!, operations[k % operations.length]!);
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

/** How many publishes each reload run makes under load (issue 30: "across five reloads"). */
const RELOADS = 5;
/** The replicas that read the registry in a reload run: a publish counts once both serve it. */
const REPLICAS = 2;

/**
 * One publish: the supergraph and the subgraph records that change with it (every product's,
 * contract included, in the first; then product 0's new version).
 */
interface Version {
  readonly sdl: string;
  readonly subgraphs: readonly PublishedSubgraph[];
}

function commitVersion(registry: ReturnType<typeof directoryRegistry>, v: Version, version: number) {
  return registry.commit(
    {
      subgraphs: v.subgraphs,
      supergraph: supergraphRecord({
        version,
        sdl: v.sdl,
        subgraphs: Object.fromEntries(v.subgraphs.map((s) => [s.name, s.version])),
        publishedBy: 'bench',
        reason: `v${version}`,
      }),
    },
    version - 1,
  );
}

/**
 * Two replicas on one registry under closed-loop load; then RELOADS publishes, one every
 * RELOAD_MS, each adding a field to product 0 (`p0Extra1` … `p0Extra5`). Per publish: the time
 * until both replicas serve it (the new field validates on each) and p99 in the RELOAD_MS after
 * it, against the steady p99 before the first; failed requests across all of it.
 */
async function reloadRun(
  dir: string,
  versions: readonly Version[],
  operations: readonly string[],
  warmup: boolean,
): Promise<ReloadRun> {
  const registryDir = mkdtempSync(join(dir, 'registry-'));
  const registry = directoryRegistry(registryDir, 200);
  const commit = (v: Version, version: number) => commitVersion(registry, v, version);
  await commit(versions[0]!, 1);
  const gateways: Started[] = [];
  try {
    for (let r = 0; r < REPLICAS; r++)
      gateways.push(
        await startMeshgate(['--registry'], {
          REGISTRY_DIR: registryDir,
          REGISTRY_POLL_MS: '200',
          POLICY_DIR: join(dir, 'policies'),
          QUERY_PLANNING_TIMEOUT_MS: '10000',
          PLAN_WARMUP: warmup ? 'on' : 'off',
        }),
      );
    const urls = gateways.map((g) => g.url);
    // Steady state: every operation planned on every replica.
    for (const url of urls) for (const operation of operations) await timed(url, operation);
    const traffic = load(urls, operations);
    await new Promise((r) => setTimeout(r, STEADY_MS));
    const firstPublish = performance.now();
    const reloads: ReloadRun['reloads'][number][] = [];
    for (let v = 2; v <= versions.length; v++) {
      const published = performance.now();
      await commit(versions[v - 1]!, v);
      // Served: the new version's field validates (not /ready's version: with a warm-up, the
      // registry reports it before the swap).
      const serves = async (url: string) => {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query: `{ p0Extra${v - 1} }` }),
        });
        return !JSON.stringify(await response.json()).includes('GRAPHQL_VALIDATION_FAILED');
      };
      const servedAt: number[] = [];
      for (const url of urls) {
        while (!(await serves(url)) && performance.now() - published < 60_000)
          await new Promise((r) => setTimeout(r, 20));
        servedAt.push(performance.now());
      }
      const wait = published + RELOAD_MS - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      const after = traffic.samples
        .filter((s) => s.at >= published && s.at < published + RELOAD_MS)
        .map((s) => s.ms);
      reloads.push({
        version: v,
        publishToServedMs: Math.round(Math.max(...servedAt) - published),
        p99Ms: quantile(after, 0.99),
        maxMs: quantile(after, 1),
      });
    }
    await traffic.stop();
    const steadyP99Ms = quantile(
      traffic.samples.filter((s) => s.at < firstPublish).map((s) => s.ms),
      0.99,
    );
    const metric = async (url: string, name: string) => {
      const text = await (await fetch(url.replace('/graphql', '/metrics'))).text();
      return Number(
        text
          .split('\n')
          .find((l) => l.startsWith(`${name} `))
          ?.split(' ')[1] ?? NaN,
      );
    };
    const sum = async (name: string) =>
      (await Promise.all(urls.map((url) => metric(url, name)))).reduce((a, b) => a + b, 0);
    const worstP99Ms = Math.max(...reloads.map((r) => r.p99Ms));
    return {
      warmup,
      replicas: REPLICAS,
      steadyP99Ms,
      reloads,
      worstReloadP99Ms: worstP99Ms,
      worstRatio: Math.round((worstP99Ms / steadyP99Ms) * 100) / 100,
      maxPublishToServedMs: Math.max(...reloads.map((r) => r.publishToServedMs)),
      requests: traffic.samples.length,
      failed: traffic.samples.filter((s) => !s.ok).length,
      plansWarmed: await sum('meshgate_query_plans_warmed_total'),
      coldPlansInWorker: await sum('meshgate_query_plans_worker_total'),
      warmupSecondsSum: await sum('meshgate_query_plan_warmup_seconds_sum'),
    };
  } finally {
    for (const gateway of gateways) await gateway.proc.stop();
    await registry.close();
  }
}

interface ReloadRun {
  readonly warmup: boolean;
  readonly replicas: number;
  readonly steadyP99Ms: number;
  readonly reloads: readonly { version: number; publishToServedMs: number; p99Ms: number; maxMs: number }[];
  readonly worstReloadP99Ms: number;
  /** The worst reload's p99 over the steady p99 (target ≤ 1.5 with warm-up). */
  readonly worstRatio: number;
  /** Target < 5 s: both replicas serve a publish. */
  readonly maxPublishToServedMs: number;
  readonly requests: number;
  /** Target 0 across the five reloads. */
  readonly failed: number;
  readonly plansWarmed: number;
  readonly coldPlansInWorker: number;
  readonly warmupSecondsSum: number;
}

async function measure(n: number, dir: string) {
  const products: SyntheticProduct[] = syntheticMesh(n);
  // This N's governance rules (one per product), read by every meshgate contender and the check.
  writeFileSync(join(dir, 'policies', 'synthetic.yaml'), syntheticPolicies(products));
  const served = await serveSyntheticMesh(products);
  try {
    const sources = products.map((p) => ({ name: p.name, url: served.urls[p.name]!, sdl: p.sdl }));
    const t = performance.now();
    const composed = composeSupergraph(sources);
    const composeMs = Math.round(performance.now() - t);
    if (!composed.ok) throw new Error(`N=${n} does not compose: ${composed.errors[0]?.message}`);
    // Each reload is one product's publish: product 0 adds a field (p0Extra1, then p0Extra2, …).
    const withExtras = (k: number) =>
      sources.map((s, i) =>
        i === 0 && k > 0
          ? {
              ...s,
              sdl: `${s.sdl}\nextend type Query {\n${Array.from({ length: k }, (_, e) => `  p0Extra${e + 1}: Int`).join('\n')}\n}\n`,
            }
          : s,
      );
    // Every product publishes with its contract; the registry keeps the descriptors beside the SDL.
    const descriptors = syntheticDescriptors(products);
    const publishedAt = new Date().toISOString();
    const record = (i: number, sdl: string, version: number): PublishedSubgraph => ({
      name: products[i]!.name,
      version,
      url: served.urls[products[i]!.name]!,
      sdl,
      descriptor: descriptors[i]!,
      publishedBy: 'bench',
      publishedAt,
    });
    const versions: Version[] = [
      { sdl: composed.supergraphSdl, subgraphs: products.map((p, i) => record(i, p.sdl, 1)) },
    ];
    for (let k = 1; k <= RELOADS; k++) {
      const next = composeSupergraph(withExtras(k));
      if (!next.ok) throw new Error(`the changed mesh ${k} does not compose: ${next.errors[0]?.message}`);
      versions.push({ sdl: next.supergraphSdl, subgraphs: [record(0, withExtras(k)[0]!.sdl, k + 1)] });
    }
    // `meshgate check` of that change against what is in service, as a registry runs it.
    const c = performance.now();
    const report = await runCheck({
      root: ROOT,
      governanceFile: join(ROOT, 'schema', 'governance.yaml'),
      sources: {
        subgraphs: withExtras(1).map((s, i) => ({
          name: s.name,
          sdl: s.sdl,
          contract: descriptors[i]!.contract,
          label: s.name,
        })),
        changed: products[0]!.name,
      },
      base: { supergraph: { label: 'in service', sdl: composed.supergraphSdl } },
      policyDir: join(dir, 'policies'),
      usage: null,
    });
    const checkMs = Math.round(performance.now() - c);
    console.log(`N=${n}: check of one product's change ${checkMs} ms (${report.findings.length} findings)`);
    const path = join(dir, 'supergraph.graphql');
    writeFileSync(path, composed.supergraphSdl);
    const operations = products.slice(0, 50).map((p) => p.operation);

    const stock = await startStock(path, 0);
    const stockResult = { readyMs: stock.readyMs, rssAtReadyMb: stock.rssMb };
    await stock.proc.stop();

    // meshgate reads the same supergraph from a registry, with the N contracts published beside it.
    const readyRegistryDir = mkdtempSync(join(dir, 'registry-ready-'));
    const readyRegistry = directoryRegistry(readyRegistryDir, 200);
    await commitVersion(readyRegistry, versions[0]!, 1);
    await readyRegistry.close();
    const meshgate = await startMeshgate(['--registry'], {
      REGISTRY_DIR: readyRegistryDir,
      POLICY_DIR: join(dir, 'policies'),
    });
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
      withWarmup: await reloadRun(dir, versions, operations, true),
      withoutWarmup: await reloadRun(dir, versions, operations, false),
    };
    return {
      products: n,
      supergraphBytes: Buffer.byteLength(composed.supergraphSdl),
      composeMs,
      checkMs,
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
    { products: r.products, metric: 'compose (s)', series: 'check of one change', value: r.checkMs / 1000 },
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
      series: '10 s after a reload (worst of 5), warm-up',
      value: r.reload.withWarmup.worstReloadP99Ms,
    },
    {
      products: r.products,
      metric: 'p99 (ms)',
      series: '10 s after a reload (worst of 5), no warm-up',
      value: r.reload.withoutWarmup.worstReloadP99Ms,
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
