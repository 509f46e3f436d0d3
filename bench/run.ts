import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { deleteKeys } from './lineage-bench.js';
import {
  BENCH_LINEAGE_PREFIX,
  BENCH_SLI_PREFIX,
  BASE_ENV,
  contenders as defineContenders,
  type Contender,
  type RunningContender,
} from './contenders.js';
import { CONTEXT_HEADER, benchContextToken } from './context-token.js';
import { countLineageEntries } from './lineage-count.js';
import { benchLineageWriter } from './lineage-writer.js';
import { runLoad } from './load-runner.js';
import { parseOptions, type BenchOptions, type OverheadId } from './options.js';
import { measurePairedOverhead } from './paired-overhead.js';
import { startOtlpReceiver } from './otlp-receiver.js';
import { postgresRoots, sampleUsage } from './proc-sampler.js';
import { summariseProfile } from './profile-summary.js';
import { markdownReport, evaluateTargets, resultsTable } from './report.js';
import { startBenchSubgraphs } from './subgraph-mesh.js';
import type { BenchResults, CellResult, Workload } from './types.js';
import { verifyWorkload } from './verify.js';
import { WORKLOADS } from './workloads.js';

/**
 * `npm run bench`: the five subgraphs as processes on PostgreSQL, then each contender in its
 * own process, one after another, each workload verified and then loaded by autocannon in a
 * separate process; results printed and written to bench/results/<date>[-label].{md,json}.
 */

const options = parseOptions(process.argv.slice(2));
const log = (message: string) => console.error(`[bench] ${message}`);
const workDir = mkdtempSync(join(tmpdir(), 'meshgate-bench-'));
const startedAt = new Date();
const workloads = WORKLOADS.filter((w) => options.workloads.includes(w.id));

log(
  `${options.quick ? 'quick run: ' : ''}${options.durationSeconds}s + ${options.warmupSeconds}s warm-up per cell, ${options.connections} connections; work dir ${workDir}`,
);
const subgraphs = await startBenchSubgraphs(options.databaseUrl, workDir, BASE_ENV, {
  [CONTEXT_HEADER]: benchContextToken(),
});
log(
  `subgraphs up: ${Object.entries(subgraphs.urls)
    .map(([n, u]) => `${n} ${u}`)
    .join(', ')}`,
);

const results: BenchResults = {
  startedAt: startedAt.toISOString(),
  finishedAt: '',
  label: options.label,
  machine: { cpus: availableParallelism(), node: process.version, loadAverageAtStart: loadavg() },
  options: {
    durationSeconds: options.durationSeconds,
    warmupSeconds: options.warmupSeconds,
    connections: options.connections,
    quick: options.quick,
  },
  contenders: [],
  workloads: workloads.map((w) => ({ id: w.id, title: w.title, responseBytes: null })),
  cells: [],
  targets: [],
  lineage: { writer: { available: false, note: 'not run' } },
  profiles: [],
  overhead: [],
};

try {
  const all = defineContenders({
    subgraphs,
    redisUrl: options.redisUrl,
    tokenRoles: options.tokenRoles,
  }).filter((c) => options.contenders.includes(c.id));
  const reference = new Map<Workload['id'], readonly unknown[]>();
  for (const contender of all) {
    results.contenders.push({
      id: contender.id,
      title: contender.title,
      available: !contender.unavailable,
      ...(contender.unavailable && { note: contender.unavailable }),
    });
    await benchContender(contender, options, reference);
  }
  const b = all.find((x) => x.id === 'b' && !x.unavailable);
  const c = all.find((x) => x.id === 'c' && !x.unavailable);
  const overheads = (id: OverheadId) => options.overheadRounds > 0 && options.overheads.includes(id);
  if (b && c && overheads('policy')) {
    log(
      `overhead: b and c in ${options.overheadRounds} alternating rounds of ${options.overheadSeconds}s per cell`,
    );
    results.overhead = await measurePairedOverhead(
      { b, c },
      [
        ...workloads.map((workload) => ({ workload, connections: options.connections })),
        ...workloads
          .filter((w) => options.latencyWorkloads.includes(w.id))
          .map((workload) => ({ workload, connections: 1 })),
      ],
      options,
      log,
    );
  }
  // SLI recording's cost on the request path: c against c with MESHGATE_SLI=off, paired rounds (target ≤ 2%).
  const cSlisOff = defineContenders({
    subgraphs,
    redisUrl: options.redisUrl,
    tokenRoles: options.tokenRoles,
    sli: 'off',
  }).find((x) => x.id === 'c' && !x.unavailable);
  if (c && cSlisOff && overheads('sli')) {
    log(`SLI overhead: c and c with SLIs off in ${options.overheadRounds} alternating rounds per cell`);
    const sliOverhead = await measurePairedOverhead(
      { b: cSlisOff, c },
      workloads.map((workload) => ({ workload, connections: options.connections })),
      options,
      log,
      { b: 'c (SLIs off)', c: 'c' },
    );
    Object.assign(results, { sliOverhead });
    for (const o of sliOverhead)
      log(
        `SLI overhead ${o.workload} ×${o.connections}: ${o.throughputOverheadPercent?.toFixed(2) ?? '–'}% throughput (median of paired rounds; target ≤ 2%)`,
      );
  }
  // The harness's noise floor: c against a second, identical c in the same paired rounds. The
  // other pairs' differences mean something only where they exceed this one's.
  const cTwin = defineContenders({
    subgraphs,
    redisUrl: options.redisUrl,
    tokenRoles: options.tokenRoles,
  }).find((x) => x.id === 'c' && !x.unavailable);
  if (c && cTwin && overheads('noise')) {
    log(`noise floor: c and an identical c in ${options.overheadRounds} alternating rounds per cell`);
    const noiseFloor = await measurePairedOverhead(
      { b: c, c: cTwin },
      workloads.map((workload) => ({ workload, connections: options.connections })),
      options,
      log,
      { b: 'c', c: 'c (twin)' },
    );
    Object.assign(results, { noiseFloor });
    for (const o of noiseFloor)
      log(
        `noise floor ${o.workload} ×${o.connections}: ${o.throughputOverheadPercent?.toFixed(2) ?? '–'}% throughput (median of paired rounds of identical contenders)`,
      );
  }
  // A speed change's before/after: c from the --baseline checkout against this checkout's c,
  // in the same alternating rounds as the overheads (a negative "overhead" is a gain).
  if (c && options.baseline && overheads('baseline')) {
    const before = defineContenders({
      subgraphs,
      redisUrl: options.redisUrl,
      tokenRoles: options.tokenRoles,
      checkout: options.baseline,
    }).find((x) => x.id === 'c' && !x.unavailable);
    if (before) {
      log(
        `before/after: c of ${options.baseline} and c in ${options.overheadRounds} alternating rounds per cell`,
      );
      const baselineComparison = await measurePairedOverhead(
        { b: before, c },
        workloads.map((workload) => ({ workload, connections: options.connections })),
        options,
        log,
        { b: 'c (before)', c: 'c (after)' },
      );
      Object.assign(results, { baseline: options.baseline, baselineComparison });
      for (const o of baselineComparison)
        log(
          `before/after ${o.workload} ×${o.connections}: after/before throughput ${o.throughputOverheadPercent === null ? '–' : (1 - o.throughputOverheadPercent / 100).toFixed(3)}× (median of paired rounds), p50 ${o.addedP50Micros?.toFixed(0) ?? '–'} µs`,
        );
    }
  }
  // OpenTelemetry's cost: c against c exporting to a local OTLP/HTTP receiver, at 1% and 100% sampling.
  if (c && overheads('tracing')) {
    const receiver = await startOtlpReceiver();
    try {
      const tracingOverhead: Record<string, unknown>[] = [];
      for (const ratio of [0.01, 1]) {
        const name = `c + tracing ${ratio * 100}%`;
        const traced = defineContenders({
          subgraphs,
          redisUrl: options.redisUrl,
          tokenRoles: options.tokenRoles,
          tracing: { endpoint: receiver.url, ratio },
        }).find((x) => x.id === 'c' && !x.unavailable)!;
        log(`tracing overhead: c and ${name} in ${options.overheadRounds} alternating rounds per cell`);
        const spansBefore = receiver.spans();
        const overhead = await measurePairedOverhead(
          { b: c, c: traced },
          workloads.map((workload) => ({ workload, connections: options.connections })),
          options,
          log,
          { b: 'c', c: name },
        );
        tracingOverhead.push({
          contender: name,
          sampler: 'parentbased_traceidratio',
          ratio,
          spans: receiver.spans() - spansBefore,
          overhead,
        });
        for (const o of overhead)
          log(
            `tracing overhead (${name}) ${o.workload} ×${o.connections}: ${o.throughputOverheadPercent?.toFixed(2) ?? '–'}% throughput, ${o.addedP50Micros?.toFixed(0) ?? '–'} µs p50 (median of paired rounds)`,
          );
        log(`tracing overhead (${name}): the receiver got ${receiver.spans() - spansBefore} spans`);
      }
      Object.assign(results, { tracingOverhead });
    } finally {
      await receiver.close();
    }
  }
  // Row filters' cost: c with an analyst's token against c with a regional analyst's (the same
  // role plus `countries`), paired rounds. With every country of the seed the filter keeps every
  // row, so the difference is the filter alone (the token's predicate, its fingerprint in the
  // de-duplication key, the product's extra SQL predicate). A filter that drops rows (DE,AT)
  // reads less and is faster, which says nothing about the filter's cost, so it is not paired.
  if (overheads('filters')) {
    const analyst = (tokenAttributes: readonly string[]) =>
      defineContenders({
        subgraphs,
        redisUrl: options.redisUrl,
        tokenRoles: 'analyst',
        tokenAttributes,
      }).find((x) => x.id === 'c' && !x.unavailable);
    const unfiltered = analyst([]);
    const filterOverhead: Record<string, unknown>[] = [];
    for (const countries of ['DE,FR,NL,ES,IT,PL,SE,AT']) {
      const filtered = analyst([`countries=${countries}`]);
      if (!unfiltered || !filtered) break;
      const name = `c (regional analyst ${countries})`;
      log(`row-filter overhead: c (analyst) and ${name} in ${options.overheadRounds} rounds per cell`);
      const overhead = await measurePairedOverhead(
        { b: unfiltered, c: filtered },
        workloads.map((workload) => ({ workload, connections: options.connections })),
        options,
        log,
        { b: 'c (analyst)', c: name },
        true,
      );
      filterOverhead.push({ contender: name, countries, overhead });
      for (const o of overhead)
        log(
          `row-filter overhead (${countries}) ${o.workload} ×${o.connections}: ${o.throughputOverheadPercent?.toFixed(2) ?? '–'}% throughput, ${o.addedP50Micros?.toFixed(0) ?? '–'} µs p50 (median of paired rounds)`,
        );
    }
    Object.assign(results, { filterOverhead });
  }
  if (options.contenders.includes('c')) {
    log(`lineage writer: bench/lineage-bench.ts ${options.lineageEvents}`);
    results.lineage.writer = benchLineageWriter(
      options.redisUrl,
      subgraphs.supergraphPath,
      options.lineageEvents,
    );
    const w = results.lineage.writer;
    log(
      w.available
        ? `lineage writer: ${w.eventsPerSecond.toFixed(0)} events/s, stored ${w.stored}/${w.events}, duplicates ${w.duplicates}`
        : `lineage writer: ${w.note}`,
    );
  }
  if (options.profile) {
    for (const workload of WORKLOADS.filter((w) => options.profileWorkloads.includes(w.id)))
      for (const contender of all.filter((c) => (c.id === 'b' || c.id === 'c') && !c.unavailable))
        await profileContender(contender, workload, options);
  }
} finally {
  await subgraphs.stop();
  await deleteKeys(options.redisUrl, BENCH_LINEAGE_PREFIX).catch(() => undefined);
  await deleteKeys(options.redisUrl, BENCH_SLI_PREFIX).catch(() => undefined);
}

results.finishedAt = new Date().toISOString();
results.targets = evaluateTargets(results);
const stamp = startedAt.toISOString().slice(0, 16).replace(':', '');
const name = `${stamp}${options.quick ? '-quick' : ''}${options.label ? `-${options.label}` : ''}`;
mkdirSync(options.outDir, { recursive: true });
writeFileSync(join(options.outDir, `${name}.json`), JSON.stringify(results, null, 2) + '\n');
writeFileSync(join(options.outDir, `${name}.md`), markdownReport(results));
console.log(resultsTable(results));
console.log('');
for (const t of results.targets)
  console.log(`${t.met === null ? 'n/a    ' : t.met ? 'met    ' : 'NOT MET'}  ${t.target}: ${t.detail}`);
log(`wrote ${join(options.outDir, name)}.md and .json`);

/** One contender's turn: start it, verify and measure each of its workloads, stop it. */
async function benchContender(
  contender: Contender,
  options: BenchOptions,
  reference: Map<Workload['id'], readonly unknown[]>,
): Promise<void> {
  const mine = workloads.filter((w) => contender.workloads.includes(w.id));
  const connectionCounts = (w: Workload) =>
    ['a', 'b', 'c'].includes(contender.id) && options.latencyWorkloads.includes(w.id)
      ? [options.connections, 1]
      : [options.connections];
  const skip = (status: CellResult['status'], note: string) => {
    for (const w of mine)
      for (const connections of connectionCounts(w))
        results.cells.push({ contender: contender.id, workload: w.id, connections, status, note });
  };
  if (contender.unavailable) {
    log(`(${contender.id}) ${contender.unavailable}`);
    return skip('unavailable', contender.unavailable);
  }
  log(`(${contender.id}) starting: ${contender.title}`);
  let running: RunningContender;
  try {
    running = await contender.start({});
  } catch (error) {
    log(`(${contender.id}) did not start: ${(error as Error).message}`);
    return skip('error', `did not start: ${(error as Error).message}`);
  }
  const lineageBefore = contender.id === 'c' ? await countLineageEntries(options.redisUrl) : null;
  let answered = 0;
  try {
    for (const workload of mine) {
      const verdict = await verifyWorkload(
        running.url,
        workload,
        contender.headers,
        reference.get(workload.id),
      );
      answered++;
      if (!verdict.ok) {
        log(`(${contender.id}) ${workload.id}: ${verdict.status}: ${verdict.note}`);
        for (const connections of connectionCounts(workload))
          results.cells.push({
            contender: contender.id,
            workload: workload.id,
            connections,
            status: verdict.status,
            note: verdict.note,
          });
        continue;
      }
      if (!reference.has(workload.id)) {
        reference.set(workload.id, verdict.data);
        const entry = results.workloads.find((w) => w.id === workload.id);
        if (entry) entry.responseBytes = verdict.bytes;
      }
      for (const connections of connectionCounts(workload)) {
        const job = {
          url: running.url,
          workload: workload.id,
          headers: { ...contender.headers },
          connections,
          durationSeconds: options.durationSeconds,
          warmupSeconds: options.warmupSeconds,
        };
        try {
          const cacheBefore =
            contender.id === 'f' ? await cacheLookups(running.url, contender.headers) : null;
          const { load, usage } = await runLoad(job, () => {
            const gateway = sampleUsage(running.pid);
            const subgraphCpu = subgraphs.processes.map((p) => sampleUsage(p.pid));
            const postgresCpu = postgresRoots().map((pid) => sampleUsage(pid));
            return () => {
              const bySubgraph = Object.fromEntries(
                subgraphs.processes.map((p, i) => [
                  p.name.replace(/^subgraph /, ''),
                  subgraphCpu[i]!.stop().cpuPercent,
                ]),
              );
              const total = Object.values(bySubgraph).reduce((sum, cpu) => sum + cpu, 0);
              return {
                ...gateway.stop(),
                subgraphsCpuPercent: Math.round(total),
                subgraphCpuPercent: bySubgraph,
                ...(postgresCpu.length > 0 && {
                  postgresCpuPercent: Math.round(
                    postgresCpu.reduce((sum, s) => sum + s.stop().cpuPercent, 0),
                  ),
                }),
              };
            };
          });
          answered += load.requests;
          const cacheHitRate =
            cacheBefore && hitRate(cacheBefore, await cacheLookups(running.url, contender.headers));
          const status = load.requests > 0 ? 'measured' : 'error';
          results.cells.push({
            contender: contender.id,
            workload: workload.id,
            connections,
            status,
            load,
            usage,
            ...(cacheHitRate != null && { cacheHitRate }),
            ...(status === 'error' && {
              note: 'no response completed in the measured window (make --duration longer)',
            }),
          });
          log(
            `(${contender.id}) ${workload.id} ×${connections}: ${load.rps.toFixed(0)} rps, p50 ${load.latency.p50?.toFixed(2) ?? '–'} ms, p99 ${load.latency.p99?.toFixed(2) ?? '–'} ms, ${load.errors} errors, ${usage.cpuPercent}% CPU, ${usage.peakRssMb} MB`,
          );
        } catch (error) {
          log(`(${contender.id}) ${workload.id} ×${connections}: ${(error as Error).message}`);
          results.cells.push({
            contender: contender.id,
            workload: workload.id,
            connections,
            status: 'error',
            note: (error as Error).message,
          });
        }
      }
    }
  } finally {
    await running.stop();
  }
  if (contender.id === 'c') {
    const after = await countLineageEntries(options.redisUrl);
    const events = lineageBefore !== null && after !== null ? after - lineageBefore : null;
    results.lineage.duringC = {
      requests: answered,
      events,
      note:
        events === null
          ? 'Redis could not be read, so the lineage events were not counted.'
          : `(c) answered at least ${answered} operations (measured responses; warm-up and in-flight requests not counted); Redis streams named *lineage* grew by ${events} entries meanwhile (other users of this Redis may add to them).`,
    };
  }
}

/** Contender f's entity cache counters, summed over subgraphs (GET /admin/cache); null when unreadable. */
async function cacheLookups(
  graphqlUrl: string,
  headers: Record<string, string>,
): Promise<{ hits: number; misses: number } | null> {
  try {
    const response = await fetch(graphqlUrl.replace(/\/graphql$/, '/admin/cache'), { headers });
    if (!response.ok) return null;
    const { subgraphs } = (await response.json()) as {
      subgraphs: Record<string, { hits: number; misses: number }>;
    };
    const all = Object.values(subgraphs);
    return { hits: all.reduce((n, s) => n + s.hits, 0), misses: all.reduce((n, s) => n + s.misses, 0) };
  } catch {
    return null;
  }
}

/** Hits over lookups between two readings (warm-up and measured window both). */
function hitRate(
  before: { hits: number; misses: number },
  after: { hits: number; misses: number } | null,
): number | null {
  if (!after) return null;
  const hits = after.hits - before.hits;
  const lookups = hits + after.misses - before.misses;
  return lookups > 0 ? hits / lookups : null;
}

/** CLOCK_MONOTONIC in µs: the clock of V8's CPU profiles. */
function nowUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** Runs one meshgate contender under `node --cpu-prof` on one workload and summarises it. */
async function profileContender(
  contender: Contender,
  workload: Workload,
  options: BenchOptions,
): Promise<void> {
  const dir = join(workDir, `profile-${contender.id}-${workload.id}`);
  mkdirSync(dir, { recursive: true });
  log(`(${contender.id}) profiling under ${workload.id}`);
  const running = await contender.start({ cpuProfileDir: dir });
  let window: { fromUs: number; toUs: number } | undefined;
  let requests = 0;
  try {
    const job = {
      url: running.url,
      workload: workload.id,
      headers: { ...contender.headers },
      connections: options.connections,
      durationSeconds: options.durationSeconds,
      warmupSeconds: options.warmupSeconds,
    };
    const measured = await runLoad(job, () => {
      const fromUs = nowUs();
      return () => ({ fromUs, toUs: nowUs() });
    });
    window = measured.usage;
    requests = measured.load.requests;
  } finally {
    // The profile is written when the process exits.
    await running.stop();
  }
  const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) {
    log(`(${contender.id}) no profile was written in ${dir}`);
    return;
  }
  const summary = summariseProfile(join(dir, file), 20, window);
  results.profiles.push({
    contender: contender.id,
    workload: workload.id,
    requests,
    file: join(dir, file),
    ...summary,
  });
  log(
    `(${contender.id}) profile: ${summary.byPackage
      .slice(0, 6)
      .map((p) => `${p.pkg} ${p.selfPercent}%`)
      .join(', ')}`,
  );
}
