import { WORKLOAD_IDS } from './workloads.js';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import {
  BENCH_CONTEXT_SECRET,
  BENCH_CONTEXT_TOKEN_ENV,
  CONTEXT_HEADER,
  benchContextToken,
} from './context-token.js';
import { freePort, spawnProcess, waitForGraphQL, type ManagedProcess } from './processes.js';
import { MESHGATE_BIN, type BenchSubgraphs } from './subgraph-mesh.js';
import type { ContenderId, ContenderSpec } from './types.js';

/** Contender (c)'s lineage goes under its own prefix, deleted after the run: never into real lineage. */
export const BENCH_LINEAGE_PREFIX = `meshgate-bench:lineage:${process.pid}:`;
/** Contender (c)'s SLIs, likewise deleted after the run. */
export const BENCH_SLI_PREFIX = `meshgate-bench:sli:${process.pid}:`;

/**
 * The contenders. Each runs as its own process, one at a time, against the same five subgraph
 * processes and the same composed supergraph. All run with NODE_ENV=production.
 */

export interface Contender extends ContenderSpec {
  /** Why the contender cannot run on this checkout or machine; null when it can. */
  readonly unavailable: string | null;
  start(options: StartOptions): Promise<RunningContender>;
}

export interface StartOptions {
  /** Write a V8 CPU profile (node --cpu-prof) into this directory when the process exits. */
  cpuProfileDir?: string;
}

export interface RunningContender {
  readonly url: string;
  /** The process whose CPU and memory are sampled. */
  readonly pid: number;
  stop(): Promise<void>;
}

export interface ContenderSetup {
  subgraphs: BenchSubgraphs;
  redisUrl: string;
  /** Roles of the token contender c sends; data-steward reads every field unmasked. */
  tokenRoles: string;
  /** Attributes of that token (`countries=DE,AT`: the regional analyst's row filter applies). */
  tokenAttributes?: readonly string[];
  /** `off`: contender c runs with MESHGATE_SLI=off, the baseline of the SLI overhead (paired with c). */
  sli?: 'on' | 'off';
  /** Contender c traced: spans to this OTLP/HTTP receiver, this share of requests sampled (paired with c). */
  tracing?: { endpoint: string; ratio: number };
  /** Run meshgate's code from this other checkout (`--baseline`: the before of a paired before/after). */
  checkout?: string;
}

/** Every process of the run, subgraphs included, shares the context-token secret. */
export const BASE_ENV = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  HOST: '127.0.0.1',
  CONTEXT_TOKEN_SECRET: BENCH_CONTEXT_SECRET,
};
const HIVE_CONFIG = new URL('./contenders/hive-gateway.config.ts', import.meta.url).pathname;
const ALL: ContenderSpec['workloads'] = WORKLOAD_IDS;
const STOCK_SCRIPT = new URL('./contenders/stock-apollo.ts', import.meta.url).pathname;

export function contenders(setup: ContenderSetup): Contender[] {
  const { supergraphPath } = setup.subgraphs;
  const token = mintToken(setup.tokenRoles, setup.tokenAttributes ?? []);
  const hiveBin = hiveGatewayBin();
  const contextToken = { [BENCH_CONTEXT_TOKEN_ENV]: benchContextToken() };
  const bin = setup.checkout ? join(setup.checkout, MESHGATE_BIN) : MESHGATE_BIN;
  return [
    {
      id: 'a',
      title: 'stock @apollo/gateway + @apollo/server (startStandaloneServer defaults)',
      workloads: ALL,
      headers: {},
      unavailable: null,
      start: async (options) => {
        const port = await freePort();
        const proc = spawnProcess(
          'stock @apollo/gateway',
          process.execPath,
          [...nodeFlags(options), '--import', 'tsx', STOCK_SCRIPT, supergraphPath, String(port)],
          {
            ...process.env,
            ...BASE_ENV,
            ...contextToken,
          },
        );
        return ready(proc, await proc.waitForLine(/^stock @apollo\/gateway: (\S+)/, 60_000), {});
      },
    },
    meshgate(
      'b',
      'meshgate, policies and lineage off',
      // The entity cache is on by default; b and c measure the uncached path, f the cache.
      { MESHGATE_POLICY: 'off', MESHGATE_LINEAGE: 'off', MESHGATE_CACHE: 'off' },
      {},
      null,
    ),
    meshgate(
      'c',
      `meshgate${setup.checkout ? ` (${setup.checkout})` : ''}, JWT + policies + lineage into Redis${setup.sli === 'off' ? ', SLIs off' : ''}${setup.tracing ? ` + tracing ${setup.tracing.ratio * 100}%` : ''}${setup.tokenAttributes?.length ? ` (token ${setup.tokenRoles} ${setup.tokenAttributes.join(' ')})` : ''}`,
      {
        MESHGATE_POLICY: 'on',
        MESHGATE_LINEAGE: 'on',
        MESHGATE_CACHE: 'off',
        REDIS_URL: setup.redisUrl,
        LINEAGE_PREFIX: BENCH_LINEAGE_PREFIX,
        // SLIs into Redis (on by default), under the run's own prefix.
        MESHGATE_SLI: setup.sli ?? 'on',
        SLI_PREFIX: BENCH_SLI_PREFIX,
        // OpenTelemetry: the gateway's spans to the bench's receiver, sampled at the root by trace id.
        ...(setup.tracing && {
          OTEL_EXPORTER_OTLP_ENDPOINT: setup.tracing.endpoint,
          OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
          OTEL_TRACES_SAMPLER_ARG: String(setup.tracing.ratio),
        }),
      },
      'token' in token ? { authorization: `Bearer ${token.token}` } : {},
      'token' in token ? null : token.unavailable,
    ),
    meshgate(
      'f',
      'meshgate, all on (as c) + entity cache (L1)',
      {
        MESHGATE_POLICY: 'on',
        MESHGATE_LINEAGE: 'on',
        REDIS_URL: setup.redisUrl,
        LINEAGE_PREFIX: BENCH_LINEAGE_PREFIX,
        MESHGATE_CACHE: 'on',
      },
      'token' in token ? { authorization: `Bearer ${token.token}` } : {},
      'token' in token ? null : token.unavailable,
    ),
    {
      id: 'd',
      title: 'Hive Gateway (@graphql-hive/gateway CLI, defaults)',
      workloads: ALL,
      headers: {},
      unavailable: hiveBin ? null : '@graphql-hive/gateway is not installed',
      start: async (options) => {
        const port = await freePort();
        const proc = spawnProcess(
          'Hive Gateway',
          process.execPath,
          // tsx loads the TypeScript config file.
          [
            ...nodeFlags(options),
            '--import',
            'tsx',
            hiveBin ?? '',
            'supergraph',
            supergraphPath,
            '--port',
            String(port),
            '--host',
            '127.0.0.1',
            '--config-path',
            HIVE_CONFIG,
          ],
          { ...process.env, ...BASE_ENV, ...contextToken },
        );
        return ready(proc, `http://127.0.0.1:${port}/graphql`, {});
      },
    },
    {
      id: 'e',
      title: 'direct subgraph (catalog), no gateway: the floor',
      workloads: ['single'],
      // A client calling the data product directly must present the context token itself.
      headers: { [CONTEXT_HEADER]: contextToken[BENCH_CONTEXT_TOKEN_ENV]! },
      unavailable: null,
      start: async () => {
        const index = setup.subgraphs.processes.findIndex((p) => p.name === 'subgraph catalog');
        const proc = setup.subgraphs.processes[index];
        const url = setup.subgraphs.urls.catalog;
        if (!proc || !url) throw new Error('the catalog subgraph is not running');
        // The subgraph belongs to the whole run: "stopping" this contender leaves it up.
        return { url, pid: proc.pid, stop: async () => undefined };
      },
    },
  ];

  function meshgate(
    id: ContenderId,
    title: string,
    env: Record<string, string>,
    headers: Record<string, string>,
    unavailable: string | null,
  ): Contender {
    return {
      id,
      title,
      workloads: ALL,
      headers,
      unavailable,
      start: async (options) => {
        const proc = spawnProcess(
          `meshgate (${id})`,
          process.execPath,
          // From another checkout, only the code differs: this one's working directory (state,
          // development key, policies) is kept, so the same token works for both.
          [...nodeFlags(options), bin, 'gateway', '--supergraph', supergraphPath, '--port', '0'],
          { ...process.env, ...BASE_ENV, ...env },
        );
        return ready(proc, await proc.waitForLine(/^meshgate gateway: (\S+)/, 60_000), headers);
      },
    };
  }
}

function nodeFlags(options: StartOptions): string[] {
  return options.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir] : [];
}

async function ready(
  proc: ManagedProcess,
  url: string,
  headers: Record<string, string>,
): Promise<RunningContender> {
  try {
    await waitForGraphQL(url, proc, headers);
  } catch (error) {
    await proc.stop();
    throw error;
  }
  return { url, pid: proc.pid, stop: () => proc.stop() };
}

/**
 * A token for contender c from `meshgate token` (the policy layer's command). Until that
 * command exists, contender c is reported as not available rather than failing the run.
 */
function mintToken(
  roles: string,
  attributes: readonly string[],
): { token: string } | { unavailable: string } {
  const result = spawnSync(
    process.execPath,
    [
      MESHGATE_BIN,
      'token',
      '--sub',
      'meshgate-bench',
      '--roles',
      roles,
      ...attributes.flatMap((a) => ['--attr', a]),
    ],
    {
      env: { ...process.env, LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  const jwt = /^\s*(?:Bearer\s+)?([\w-]+\.[\w-]+\.[\w-]*)\s*$/m.exec(result.stdout ?? '');
  if (result.status === 0 && jwt?.[1]) return { token: jwt[1] };
  const why = (result.stderr || result.stdout || String(result.error ?? '')).trim().split('\n')[0] ?? '';
  return {
    unavailable: `not available yet: "meshgate token" failed (${why.slice(0, 200) || `exit ${String(result.status)}`})`,
  };
}

/** The Hive Gateway CLI's entry point, resolved from the installed package. */
function hiveGatewayBin(): string | null {
  try {
    const require = createRequire(import.meta.url);
    return join(dirname(require.resolve('@graphql-hive/gateway/package.json')), 'dist', 'bin.js');
  } catch {
    return null;
  }
}
