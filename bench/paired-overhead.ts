import type { Contender, RunningContender } from './contenders.js';
import { runLoad } from './load-runner.js';
import type { BenchOptions } from './options.js';
import type { PairedOverhead, RoundFigures, Workload } from './types.js';

type Pair = 'b' | 'c';

/**
 * The overhead targets compare two meshgates whose difference (policies and lineage) is a few
 * percent, while two runs of the same contender minutes apart differ by as much on this
 * machine. So b and c are both started and measured in alternating rounds (b c, c b, b c, …),
 * and each target reads the median of the per-round differences: drift falls on both alike,
 * and one disturbed round does not decide the verdict.
 */
export async function measurePairedOverhead(
  pair: Record<Pair, Contender>,
  cells: readonly { workload: Workload; connections: number }[],
  options: Pick<BenchOptions, 'overheadRounds' | 'overheadSeconds'>,
  log: (message: string) => void,
  /** What the log calls the baseline (b) and the contender measured against it (c). */
  names: Record<Pair, string> = { b: 'b', c: 'c' },
  /** The principals' answers carry GraphQL errors by design (ROW_FILTERED, a denied field). */
  answerErrorsExpected = false,
): Promise<PairedOverhead[]> {
  const running: Partial<Record<Pair, RunningContender>> = {};
  try {
    running.b = await pair.b.start({});
    running.c = await pair.c.start({});
    const results: PairedOverhead[] = [];
    for (const { workload, connections } of cells) {
      const rounds: PairedOverhead['rounds'] = [];
      for (let round = 0; round < options.overheadRounds; round++) {
        const figures: Partial<Record<Pair, RoundFigures>> = {};
        for (const id of round % 2 === 0 ? (['b', 'c'] as const) : (['c', 'b'] as const)) {
          const { load } = await runLoad(
            {
              url: running[id]!.url,
              workload: workload.id,
              headers: { ...pair[id].headers },
              connections,
              durationSeconds: options.overheadSeconds,
              warmupSeconds: Math.max(1, options.overheadSeconds / 5),
            },
            () => () => undefined,
          );
          figures[id] = {
            rps: load.rps,
            p50: load.latency.p50,
            errors: load.errors,
            graphqlErrors: load.errorBreakdown.graphql,
          };
        }
        const { b, c } = figures as Record<Pair, RoundFigures>;
        rounds.push({ b, c });
        log(
          `overhead ${workload.id} ×${connections} round ${round + 1}: ${names.b} ${b.rps.toFixed(0)} rps p50 ${b.p50?.toFixed(2)} ms, ${names.c} ${c.rps.toFixed(0)} rps p50 ${c.p50?.toFixed(2)} ms`,
        );
      }
      // A round with an error in either contender says nothing about overhead; GraphQL errors
      // in the answer are the point of some pairs (a principal's denied and filtered fields).
      const failed = (f: RoundFigures) => (answerErrorsExpected ? f.errors - f.graphqlErrors : f.errors) > 0;
      const clean = rounds.filter((r) => !failed(r.b) && !failed(r.c) && r.b.rps > 0);
      results.push({
        workload: workload.id,
        connections,
        rounds,
        throughputOverheadPercent: median(clean.map((r) => (1 - r.c.rps / r.b.rps) * 100)),
        addedP50Micros: median(
          clean.flatMap((r) => (r.b.p50 !== null && r.c.p50 !== null ? [(r.c.p50 - r.b.p50) * 1000] : [])),
        ),
      });
    }
    return results;
  } finally {
    await running.b?.stop();
    await running.c?.stop();
  }
}

/** The middle value (the mean of the middle two for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((x, y) => x - y);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
