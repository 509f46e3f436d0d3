import type { BenchResults, CellResult, ContenderId, TargetResult, Workload } from './types.js';

/**
 * Turns the measured cells into the targets' verdicts and the results table. Ratios are
 * against contender (a), stock @apollo/gateway, at the same workload and connections.
 */

const fmt = (value: number | null | undefined, digits = 1) =>
  value == null || Number.isNaN(value) ? '–' : value.toFixed(digits);

function cell(
  results: Pick<BenchResults, 'cells'>,
  contender: ContenderId,
  workload: Workload['id'],
  connections: number,
): CellResult | undefined {
  return results.cells.find(
    (c) => c.contender === contender && c.workload === workload && c.connections === connections,
  );
}

function measured(c: CellResult | undefined) {
  return c?.status === 'measured' && c.load && c.load.errors === 0 && c.load.requests > 0
    ? c.load
    : undefined;
}

export function evaluateTargets(
  results: Pick<BenchResults, 'cells' | 'options' | 'workloads' | 'lineage' | 'overhead'>,
): TargetResult[] {
  const n = results.options.connections;
  const workloads = results.workloads.map((w) => w.id);
  const ratio = (x: ContenderId, y: ContenderId, w: Workload['id'], conns = n) => {
    const a = measured(cell(results, x, w, conns));
    const b = measured(cell(results, y, w, conns));
    return a && b ? a.rps / b.rps : undefined;
  };
  const targets: TargetResult[] = [];

  const vsStock = workloads.map((w) => ({ w, r: ratio('c', 'a', w) }));
  targets.push(
    verdict(
      'meshgate (c) ≥ stock (a) throughput on every workload',
      vsStock,
      (r) => r >= 1,
      (r) => `${fmt(r, 2)}×`,
    ),
  );
  if (workloads.includes('heavy')) {
    targets.push(
      verdict(
        'meshgate (c) ≥ 1.5× stock (a) on heavy nested',
        [{ w: 'heavy', r: ratio('c', 'a', 'heavy') }],
        (r) => r >= 1.5,
        (r) => `${fmt(r, 2)}×`,
      ),
    );
  }
  // Real traffic: every request asks for other rows, so de-duplication has little to share.
  const varied = (['varied-order', 'varied-customer'] as const).filter((w) => workloads.includes(w));
  if (varied.length > 0) {
    targets.push(
      verdict(
        'varied: meshgate all on (c), entity cache off, ≥ 1.3× stock (a)',
        varied.map((w) => ({ w, r: ratio('c', 'a', w) })),
        (r) => r >= 1.3,
        (r) => `${fmt(r, 2)}×`,
      ),
      verdict(
        'varied: meshgate all on (c) ahead of Hive Gateway (d)',
        varied.map((w) => ({ w, r: ratio('c', 'd', w) })),
        (r) => r > 1,
        (r) => `${fmt(r, 2)}×`,
      ),
    );
  }
  // The entity cache (f): it must pay on varied traffic, and answer as stock does (verify.ts
  // compared the sampled answers with the reference's; a difference leaves the cell unmeasured).
  if (varied.length > 0) {
    targets.push(
      verdict(
        'varied: meshgate + entity cache (f) ≥ 1.5× stock (a)',
        varied.map((w) => ({ w, r: ratio('f', 'a', w) })),
        (r) => r >= 1.5,
        (r) => `${fmt(r, 2)}×`,
      ),
      verdict(
        'varied: meshgate + entity cache (f) ahead of Hive Gateway (d)',
        varied.map((w) => ({ w, r: ratio('f', 'd', w) })),
        (r) => r > 1,
        (r) => `${fmt(r, 2)}×`,
      ),
    );
  }
  if (workloads.includes('zipf-mix')) {
    targets.push(
      verdict(
        "zipf-mix: meshgate + entity cache (f) ≥ 3× stock (a), sampled answers equal to stock's",
        [{ w: 'zipf-mix', r: ratio('f', 'a', 'zipf-mix') }],
        (r) => r >= 3,
        (r) => `${fmt(r, 2)}×`,
      ),
    );
  }
  // The overhead targets read the alternating rounds when they ran, else the sweep's cells.
  const paired = (w: Workload['id'], conns: number) =>
    results.overhead.find((o) => o.workload === w && o.connections === conns);
  const source = results.overhead.length > 0 ? ' (median of alternating rounds)' : '';
  const overhead = workloads.map((w) => {
    const rounds = paired(w, n);
    if (rounds) return { w, r: rounds.throughputOverheadPercent ?? undefined };
    const r = ratio('c', 'b', w);
    return { w, r: r === undefined ? undefined : (1 - r) * 100 };
  });
  targets.push(
    verdict(
      `policy + lineage throughput overhead (1 − c/b) ≤ 5%${source}`,
      overhead,
      (o) => o <= 5,
      (o) => `${fmt(o)}%`,
    ),
  );
  const latency = results.workloads
    .map((w) => w.id)
    .map((w) => {
      const rounds = paired(w, 1);
      if (rounds) return { w, r: rounds.addedP50Micros ?? undefined, present: true };
      const b = measured(cell(results, 'b', w, 1));
      const c = measured(cell(results, 'c', w, 1));
      return {
        w,
        r:
          b?.latency.p50 != null && c?.latency.p50 != null
            ? (c.latency.p50 - b.latency.p50) * 1000
            : undefined,
        present: cell(results, 'b', w, 1) !== undefined,
      };
    })
    .filter((x) => x.present);
  targets.push(
    verdict(
      `policy + lineage added p50 latency at 1 connection (c − b) ≤ 100 µs${source}`,
      latency,
      (us) => us <= 100,
      (us) => `${fmt(us, 0)} µs`,
    ),
  );
  const writer = results.lineage.writer;
  targets.push(
    writer.available
      ? {
          target: 'lineage writer ≥ 20,000 events/s into Redis, zero loss',
          met: writer.eventsPerSecond >= 20_000 && writer.stored === writer.events && writer.duplicates === 0,
          detail: `${Math.round(writer.eventsPerSecond)} events/s; stored ${writer.stored} of ${writer.events}, ${writer.duplicates} duplicates${writer.hotPathMicros === null ? '' : `; hot path ${writer.hotPathMicros.toFixed(1)} µs/event`} (bench/lineage-bench.ts)`,
        }
      : { target: 'lineage writer ≥ 20,000 events/s into Redis, zero loss', met: null, detail: writer.note },
  );
  return targets;
}

function verdict(
  target: string,
  values: { w: string; r: number | undefined }[],
  ok: (value: number) => boolean,
  show: (value: number) => string,
): TargetResult {
  if (values.length === 0) return { target, met: null, detail: 'no workload selected' };
  const missing = values.filter((v) => v.r === undefined);
  const detail = values.map((v) => `${v.w} ${v.r === undefined ? 'n/a' : show(v.r)}`).join(', ');
  if (missing.length)
    return { target, met: null, detail: `${detail} (not measurable: a contender is unavailable or errored)` };
  return { target, met: values.every((v) => ok(v.r!)), detail };
}

/** CPU ms per answered request, from a CPU % (of one core) and the request rate. */
const perRequest = (cpuPercent: number | undefined, rps: number | undefined) =>
  cpuPercent === undefined || !rps ? '–' : fmt((cpuPercent * 10) / rps, 2);

/** The results table (markdown; also what the console prints). */
export function resultsTable(results: BenchResults): string {
  const rows = [
    '| contender | workload | conns | RPS | × (a) | p50 ms | p95 ms | p99 ms | errors | peak RSS MB | CPU % | CPU ms/req | subgraphs ms/req | PostgreSQL ms/req | note |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|',
  ];
  for (const c of results.cells) {
    const base = measured(cell(results, 'a', c.workload, c.connections));
    const l = c.load;
    const ratio = l && base ? `${fmt(l.rps / base.rps, 2)}` : '–';
    const errors = l
      ? `${l.errors}${
          l.errors
            ? ` (${Object.entries(l.errorBreakdown)
                .filter(([, v]) => v)
                .map(([k, v]) => `${k} ${v}`)
                .join(', ')})`
            : ''
        }`
      : '–';
    rows.push(
      `| ${c.contender} | ${c.workload} | ${c.connections} | ${l ? fmt(l.rps, 0) : '–'} | ${ratio} | ${fmt(l?.latency.p50, 2)} | ${fmt(l?.latency.p95, 2)} | ${fmt(l?.latency.p99, 2)} | ${errors} | ${fmt(c.usage?.peakRssMb, 0)} | ${fmt(c.usage?.cpuPercent, 0)} | ${perRequest(c.usage?.cpuPercent, l?.rps)} | ${perRequest(c.usage?.subgraphsCpuPercent, l?.rps)} | ${perRequest(c.usage?.postgresCpuPercent, l?.rps)} | ${c.status === 'measured' ? '' : `${c.status}: ${c.note ?? ''}`.replace(/\|/g, '/')} |`,
    );
  }
  return rows.join('\n');
}

/** The alternating rounds of b and c, each round's figures and the medians the targets read. */
export function overheadSection(overhead: BenchResults['overhead']): string[] {
  return [
    '## Overhead of policies + lineage: b and c in alternating rounds',
    '',
    'Both running, measured b c, c b, b c, …; the targets read the medians.',
    '',
    '| workload | conns | rounds: b / c RPS | rounds: b / c p50 ms | median 1 − c/b | median c − b p50 |',
    '|---|--:|---|---|--:|--:|',
    ...overhead.map(
      (o) =>
        `| ${o.workload} | ${o.connections} | ${o.rounds.map((r) => `${fmt(r.b.rps, 0)} / ${fmt(r.c.rps, 0)}`).join(', ')} | ${o.rounds.map((r) => `${fmt(r.b.p50, 2)} / ${fmt(r.c.p50, 2)}`).join(', ')} | ${fmt(o.throughputOverheadPercent)}% | ${fmt(o.addedP50Micros, 0)} µs |`,
    ),
  ];
}

export function markdownReport(results: BenchResults): string {
  const o = results.options;
  const lines = [
    `# meshgate benchmark ${results.startedAt}${results.label ? ` (${results.label})` : ''}`,
    '',
    `${o.quick ? '**Quick smoke run** — too short for conclusions. ' : ''}${o.durationSeconds}s measured after ${o.warmupSeconds}s warm-up per cell, ${o.connections} connections (and 1 for the latency cells); Node ${results.machine.node}, ${results.machine.cpus} CPUs, load average at start ${results.machine.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ')}. Load generator: autocannon in its own process. CPU % is of one core, sampled from /proc over the measured window; CPU ms/req is the contender's CPU time per answered request (steadier than RPS on a busy machine); subgraphs ms/req is the five subgraph processes' together, PostgreSQL ms/req the database server's: where the time goes, per process, and how far the gateway is from the data products' floor.`,
    '',
    '## Contenders',
    '',
    ...results.contenders.map(
      (c) => `- (${c.id}) ${c.title}${c.available ? '' : ` — **${c.note ?? 'not available'}**`}`,
    ),
    '',
    '## Workloads',
    '',
    ...results.workloads.map(
      (w) =>
        `- ${w.id}: ${w.title}${w.responseBytes ? ` — ${(w.responseBytes / 1024).toFixed(1)} KB response` : ''}`,
    ),
    '',
    '## Results',
    '',
    resultsTable(results),
    '',
    '## Targets',
    '',
    '| target | met | figures |',
    '|---|---|---|',
    ...results.targets.map(
      (t) => `| ${t.target} | ${t.met === null ? 'n/a' : t.met ? 'met' : 'not met'} | ${t.detail} |`,
    ),
  ];
  const cached = results.cells.filter((c) => c.cacheHitRate !== undefined);
  if (cached.length > 0)
    lines.push(
      '',
      '## Entity cache hit rates (f)',
      '',
      'Hits over lookups (entities and root-field answers) in each cell, warm-up included.',
      '',
      '| workload | conns | hit rate |',
      '|---|--:|--:|',
      ...cached.map((c) => `| ${c.workload} | ${c.connections} | ${fmt(c.cacheHitRate! * 100)}% |`),
    );
  const bySubgraph = results.cells.filter((c) => c.usage?.subgraphCpuPercent && c.load?.rps);
  const products = [...new Set(bySubgraph.flatMap((c) => Object.keys(c.usage!.subgraphCpuPercent!)))];
  if (bySubgraph.length > 0)
    lines.push(
      '',
      '## CPU per request by data product',
      '',
      'CPU ms per request of each subgraph process in each cell (their sum is the table\'s "subgraphs ms/req").',
      '',
      `| contender | workload | conns | ${products.join(' | ')} |`,
      `|---|---|--:|${products.map(() => '--:').join('|')}|`,
      ...bySubgraph.map(
        (c) =>
          `| ${c.contender} | ${c.workload} | ${c.connections} | ${products.map((p) => perRequest(c.usage!.subgraphCpuPercent![p], c.load!.rps)).join(' | ')} |`,
      ),
    );
  if (results.overhead.length > 0) lines.push('', ...overheadSection(results.overhead));
  if (results.lineage.duringC)
    lines.push('', '## Lineage events during (c)', '', results.lineage.duringC.note);
  for (const p of results.profiles) {
    lines.push(
      '',
      `## CPU profile: (${p.contender}) under ${p.workload}`,
      '',
      `${p.totalMs} ms of busy CPU sampled over the measured window (idle and start-up left out; % of busy time) for ${p.requests} requests: ${p.requests > 0 ? ((p.totalMs * 1000) / p.requests).toFixed(0) : '–'} µs of busy CPU per request. Profile file \`${p.file}\`. Self time by package:`,
      '',
      '| package | self ms | % |',
      '|---|--:|--:|',
      ...p.byPackage.slice(0, 12).map((x) => `| ${x.pkg} | ${x.selfMs} | ${x.selfPercent} |`),
      '',
      'Top functions by self time:',
      '',
      '| function | where | self ms | % |',
      '|---|---|--:|--:|',
      ...p.top.map((f) => `| ${f.fn.replace(/\|/g, '/')} | ${f.location} | ${f.selfMs} | ${f.selfPercent} |`),
    );
  }
  return lines.join('\n') + '\n';
}
