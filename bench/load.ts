import autocannon, { type AutocannonResult } from 'autocannon';
import type { LoadJob, LoadResult } from './types.js';
import { requestBodies, workloadById } from './workloads.js';

/**
 * The load generator, run as its own process so it never shares an event loop with the
 * contender it measures: `load.ts '<LoadJob as JSON>'`. It warms the contender up, then
 * measures, recording every response's latency itself (autocannon's histogram keeps whole
 * milliseconds; the 100 µs overhead target needs finer), and prints one `RESULT {json}` line.
 */

const job = JSON.parse(process.argv[2] ?? '{}') as LoadJob;
// One stream for the warm-up and the measured pass: a varied workload never repeats its
// warm-up's requests, and every contender's generator sends the same sequence.
const nextBody = requestBodies(workloadById(job.workload));

/** A 2xx whose body carries a GraphQL `errors` entry (or no data) counts as an error. */
function isGraphQLError(status: number, body: string): boolean {
  return status >= 200 && status < 300 && (body.includes('"errors"') || !body.startsWith('{"data"'));
}

interface Pass {
  latencies: number[];
  graphqlErrors: number;
  bytes: number;
  result: AutocannonResult;
}

function run(durationSeconds: number, record: boolean): Promise<Pass> {
  const latencies: number[] = [];
  let graphqlErrors = 0;
  let bytes = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: job.url,
        connections: job.connections,
        duration: durationSeconds,
        timeout: 30,
        requests: [
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...job.headers },
            setupRequest: (request) => ({ ...request, body: nextBody() }),
            onResponse: (status, body) => {
              if (isGraphQLError(status, body)) graphqlErrors++;
            },
          },
        ],
      },
      (error, result) => {
        if (error) reject(error);
        else resolve({ latencies, graphqlErrors, bytes, result });
      },
    );
    if (record) {
      instance.on('response', (_client, _status, resBytes, responseTime) => {
        latencies.push(responseTime);
        bytes += resBytes;
      });
    }
  });
}

function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

if (job.warmupSeconds > 0) await run(job.warmupSeconds, false);
// The harness samples the contender's CPU and memory from this line to RESULT.
console.log('MEASURE');
const pass = await run(job.durationSeconds, true);
const sorted = Float64Array.from(pass.latencies).sort();
const values = Array.from(sorted);
const count = values.length;
const result: LoadResult = {
  rps: count / pass.result.duration,
  requests: count,
  latency: {
    p50: percentile(values, 50),
    p95: percentile(values, 95),
    p99: percentile(values, 99),
    mean: count ? values.reduce((a, b) => a + b, 0) / count : null,
  },
  errors: pass.result.non2xx + pass.graphqlErrors + pass.result.errors + pass.result.timeouts,
  errorBreakdown: {
    non2xx: pass.result.non2xx,
    graphql: pass.graphqlErrors,
    socket: pass.result.errors,
    timeouts: pass.result.timeouts,
  },
  bytesPerResponse: count ? Math.round(pass.bytes / count) : 0,
  durationSeconds: pass.result.duration,
};
console.log(`RESULT ${JSON.stringify(result)}`);
