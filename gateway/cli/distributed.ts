import { fileURLToPath } from 'node:url';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dataProducts } from '../../subgraphs/index.js';
import { DEV_KEY_FILE, developmentKey } from '../auth/dev-key.js';
import {
  spawnMeshProcess,
  type ChildProcessHandle,
  type ExitedProcess,
  type MeshProcess,
  type ProcessOutput,
} from './mesh-process.js';

/**
 * The docker-compose topology as separate OS processes on one machine: one
 * `meshgate subgraph NAME` process per data product on a PostgreSQL server, then the gateway
 * replicas, each routed to the subgraph processes through SUBGRAPH_URLS. This is
 * `npm run start:distributed`; docker-compose.yml runs the same commands in containers.
 */

/** The machine's PostgreSQL server, as the tests and the README assume it. */
export const DEFAULT_DISTRIBUTED_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
export const DEFAULT_DISTRIBUTED_REDIS_URL = 'redis://127.0.0.1:6379';

export interface DistributedOptions extends ProcessOutput {
  /** The subgraphs' PostgreSQL server. Default: DEFAULT_DISTRIBUTED_DATABASE_URL. */
  databaseUrl?: string | undefined;
  /** Passed to the gateways as REDIS_URL. Default: DEFAULT_DISTRIBUTED_REDIS_URL. */
  redisUrl?: string | undefined;
  /** A Redis Cluster instead (`host:port,...`), passed as REDIS_CLUSTER_NODES; wins over redisUrl. */
  redisClusterNodes?: string | undefined;
  /** The interface every process listens on. Default: 127.0.0.1. */
  host?: string | undefined;
  /** One port per gateway replica; 0 picks a free one. Default: [4000, 4100]. */
  gatewayPorts?: readonly number[] | undefined;
  /** Ports by data product name; 0 picks a free one. Default: each product's default port. */
  subgraphPorts?: Readonly<Record<string, number>> | undefined;
  /**
   * The subgraphs' state directory; gateway replica N keeps its own in `<stateDir>/gateway-N`
   * (the lineage spool is one process's), with a copy of the development key so that every
   * process derives the same keys. Default: `.meshgate`.
   */
  stateDir?: string | undefined;
  /** The environment every process inherits (SUPERGRAPH_PATH, LOG_LEVEL, ...). Default: {}. */
  env?: NodeJS.ProcessEnv | undefined;
  /** How long each process may take to answer 200 on /ready. Default: 120 s (a first seed). */
  readyTimeoutMs?: number | undefined;
  /** Aborting it during start-up stops what has started and rejects. */
  signal?: AbortSignal | undefined;
  /**
   * Each process's SHUTDOWN_TIMEOUT_MS (passed to them): a process still running
   * STOP_MARGIN_MS after it is SIGKILLed. Default: 10 s.
   */
  shutdownTimeoutMs?: number | undefined;
  /** Called when a process exits without being asked to. Default: nothing. */
  onExit?: ((process: ExitedProcess) => void) | undefined;
}

export interface RunningTopology {
  readonly subgraphs: readonly MeshProcess[];
  readonly gateways: readonly MeshProcess[];
  /**
   * SIGTERM to the gateways, then the subgraphs (compose's order). Each process bounds its own
   * shutdown; one still running STOP_MARGIN_MS past that bound is SIGKILLed.
   */
  stop(): Promise<readonly ExitedProcess[]>;
  /**
   * Synchronous, for a forced exit: a second SIGTERM to every process still running, which
   * makes each persist what it buffers and exit at once. They are left to finish that (they
   * are their own process group), not SIGKILLed as this process exits.
   */
  forceStop(): void;
}

/** How long past its own shutdown bound a process may take before it is SIGKILLed. */
const STOP_MARGIN_MS = 2_000;

/** The longest a topology's stop takes: two groups, each bounded by the processes' deadline. */
export function topologyStopBoundMs(shutdownTimeoutMs: number): number {
  return 2 * (shutdownTimeoutMs + STOP_MARGIN_MS);
}

export async function startDistributed(options: DistributedOptions = {}): Promise<RunningTopology> {
  const host = options.host ?? '127.0.0.1';
  const stateDir = options.stateDir ?? '.meshgate';
  const shutdownTimeoutMs = options.shutdownTimeoutMs ?? 10_000;
  const env = { ...options.env, HOST: host, SHUTDOWN_TIMEOUT_MS: String(shutdownTimeoutMs) };
  const started: ChildProcessHandle[] = [];
  const graceMs = shutdownTimeoutMs + STOP_MARGIN_MS;
  // Should this process end without stopping them (a crash), the processes end with it.
  const killOrphans = () => started.forEach((c) => c.signal('SIGKILL'));
  process.on('exit', killOrphans);
  const spawnOne = (name: string, role: MeshProcess['role'], args: string[], extraEnv: NodeJS.ProcessEnv) => {
    const child = spawnMeshProcess(name, role, args, { ...env, ...extraEnv }, options);
    started.push(child);
    return child;
  };
  try {
    // The subgraphs start together: each seeds its own schema (an advisory lock guards replicas).
    const subgraphs = dataProducts.map((product) =>
      spawnOne(
        product.name,
        'subgraph',
        [
          'subgraph',
          product.name,
          '--port',
          String(options.subgraphPorts?.[product.name] ?? product.defaultPort),
        ],
        {
          DATABASE_URL: options.databaseUrl ?? DEFAULT_DISTRIBUTED_DATABASE_URL,
          MESHGATE_STATE_DIR: stateDir,
        },
      ),
    );
    const readyTimeoutMs = options.readyTimeoutMs ?? 120_000;
    const subgraphProcesses = await Promise.all(
      subgraphs.map((c) => c.ready(readyTimeoutMs, options.signal)),
    );
    const routes = subgraphProcesses.map((s) => `${s.name}=${s.url}`).join(',');
    const gateways = (options.gatewayPorts ?? [4000, 4100]).map((port, i) =>
      spawnOne(`gateway-${i + 1}`, 'gateway', ['gateway', '--port', String(port)], {
        SUBGRAPH_URLS: routes,
        // The supergraph file's products are described by their contracts in this repository.
        CONTRACTS_DIR: fileURLToPath(new URL('../../subgraphs/', import.meta.url)),
        ...(options.redisClusterNodes
          ? { REDIS_CLUSTER_NODES: options.redisClusterNodes }
          : { REDIS_URL: options.redisUrl ?? DEFAULT_DISTRIBUTED_REDIS_URL }),
        MESHGATE_STATE_DIR: replicaStateDir(stateDir, `gateway-${i + 1}`),
      }),
    );
    const gatewayProcesses = await Promise.all(gateways.map((c) => c.ready(readyTimeoutMs, options.signal)));
    for (const child of started) {
      void child.exited.then((exit) => child.stopping || options.onExit?.(exit));
    }
    const stop = async () => {
      const exits = await stopAll(started, graceMs);
      process.off('exit', killOrphans);
      return exits;
    };
    const forceStop = () => {
      process.off('exit', killOrphans);
      for (const child of started) {
        child.stopping = true;
        child.signal('SIGTERM');
      }
    };
    return { subgraphs: subgraphProcesses, gateways: gatewayProcesses, stop, forceStop };
  } catch (error) {
    await stopAll(started, graceMs);
    process.off('exit', killOrphans);
    throw error;
  }
}

/**
 * `<stateDir>/<name>`: a replica's own state (its lineage spool), holding the shared
 * development key (configured secrets override it).
 */
export function replicaStateDir(stateDir: string, name: string): string {
  const dir = join(stateDir, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, DEV_KEY_FILE), developmentKey(stateDir).toString('hex'), { mode: 0o600 });
  return dir;
}

async function stopAll(children: readonly ChildProcessHandle[], graceMs: number): Promise<ExitedProcess[]> {
  for (const child of children) child.stopping = true;
  const stopGroup = async (group: readonly ChildProcessHandle[]) => {
    for (const child of group) child.signal('SIGTERM');
    const killer = setTimeout(() => group.forEach((c) => c.signal('SIGKILL')), graceMs);
    try {
      return await Promise.all(group.map((c) => c.exited));
    } finally {
      clearTimeout(killer);
    }
  };
  // Gateways first, so no request reaches a subgraph that is already gone.
  const gateways = children.filter((c) => c.role === 'gateway');
  const subgraphs = children.filter((c) => c.role === 'subgraph');
  return [...(await stopGroup(gateways)), ...(await stopGroup(subgraphs))];
}
