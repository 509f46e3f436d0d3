import type { Command } from 'commander';
import { dataProducts } from '../../../subgraphs/index.js';
import { redactUrl } from '../../../subgraphs/kit/database.js';
import { loadConfig } from '../../config/config.js';
import {
  DEFAULT_DISTRIBUTED_DATABASE_URL,
  DEFAULT_DISTRIBUTED_REDIS_URL,
  startDistributed,
  topologyStopBoundMs,
  type RunningTopology,
} from '../distributed.js';
import { ErrorCode, StartupError } from '../../common/errors.js';
import { createLogger } from '../../common/logger.js';
import { describeExit, stoppedCleanly } from '../mesh-process.js';
import { stopOnSignal } from './lifecycle.js';

interface DistributedCommandOptions {
  gatewayPorts: string;
  subgraphPorts?: string;
  freePorts?: boolean;
}

/**
 * `meshgate distributed` (`npm run start:distributed`): docker-compose.yml's topology as
 * separate processes on this machine — five subgraphs on PostgreSQL, two gateway replicas.
 * Stops them all on SIGINT/SIGTERM; exits 0 when every one stopped cleanly.
 */
export function registerDistributedCommand(program: Command): void {
  program
    .command('distributed')
    .description('run the compose topology as separate processes: five subgraphs on PostgreSQL, two gateways')
    .option('--gateway-ports <ports>', 'one port per gateway replica, comma-separated', '4000,4100')
    .option(
      '--subgraph-ports <ports>',
      `ports of ${dataProducts.map((p) => p.name).join(', ')} (default: theirs)`,
    )
    .option('--free-ports', 'every process takes a free port (tests); the endpoints are printed')
    .action(async (options: DistributedCommandOptions) => {
      const config = loadConfig(process.env);
      const logger = createLogger(config.logLevel, 'meshgate-distributed');
      const gatewayPorts = parsePorts('--gateway-ports', options.gatewayPorts);
      const subgraphPorts = options.subgraphPorts
        ? parsePorts('--subgraph-ports', options.subgraphPorts)
        : undefined;
      if (subgraphPorts && subgraphPorts.length !== dataProducts.length) {
        throw new StartupError(
          ErrorCode.CONFIG_INVALID,
          `--subgraph-ports needs ${dataProducts.length} ports`,
        );
      }
      const databaseUrl = config.databaseUrl ?? DEFAULT_DISTRIBUTED_DATABASE_URL;
      const redis = config.redis;
      const redisUrl = redis?.kind === 'server' ? redis.url : DEFAULT_DISTRIBUTED_REDIS_URL;
      const redisClusterNodes =
        redis?.kind === 'cluster' ? redis.nodes.map((n) => `${n.host}:${n.port}`).join(',') : undefined;

      // A signal during start-up stops what has started; afterwards stopOnSignal takes over.
      const abort = new AbortController();
      const onEarlySignal = () =>
        abort.abort(new StartupError(ErrorCode.NOT_READY, 'interrupted during start-up'));
      process.once('SIGINT', onEarlySignal).once('SIGTERM', onEarlySignal);

      const reported = new Set<string>();
      let topology: RunningTopology;
      try {
        topology = await startDistributed({
          databaseUrl,
          redisUrl,
          redisClusterNodes,
          host: config.host,
          stateDir: config.stateDir,
          shutdownTimeoutMs: config.shutdownTimeoutMs,
          gatewayPorts: options.freePorts ? gatewayPorts.map(() => 0) : gatewayPorts,
          subgraphPorts: Object.fromEntries(
            dataProducts.map((p, i) => [
              p.name,
              options.freePorts ? 0 : (subgraphPorts?.[i] ?? p.defaultPort),
            ]),
          ),
          // The processes inherit this one's environment (SUPERGRAPH_PATH, LOG_LEVEL, NODE_ENV...).
          env: process.env,
          signal: abort.signal,
          onExit(exit) {
            reported.add(exit.name);
            console.error(
              `meshgate distributed: ${exit.name} (pid ${exit.pid}) exited: ${describeExit(exit)}`,
            );
            if (reported.size === dataProducts.length + gatewayPorts.length) {
              console.error('meshgate distributed: every process has exited');
              process.exit(1);
            }
          },
        });
      } finally {
        process.off('SIGINT', onEarlySignal).off('SIGTERM', onEarlySignal);
      }

      const rows = [...topology.gateways, ...topology.subgraphs];
      console.log(
        [
          '',
          `meshgate distributed: ${rows.length} processes are up (SIGINT/SIGTERM stops them all)`,
          ...rows.map((p) => `  ${p.name.padEnd(10)} ${p.url}  pid ${p.pid}`),
          `  storage:   ${redactUrl(databaseUrl)}`,
          `  redis:     ${redis?.describe ?? redactUrl(redisUrl)}`,
          '  health:    /health and /ready beside each /graphql',
          '',
        ].join('\n'),
      );

      // Its own bound covers both groups' (each process bounds its own shutdown); a second
      // signal forwards one to every process, which then persists and exits at once.
      stopOnSignal(
        logger,
        {
          async stop() {
            const exits = await topology.stop();
            const unclean = exits.filter((e) => !reported.has(e.name) && !stoppedCleanly(e));
            if (unclean.length > 0) {
              throw new Error(
                `did not stop cleanly: ${unclean.map((e) => `${e.name} (${describeExit(e)})`).join(', ')}`,
              );
            }
            console.log(`meshgate distributed: stopped ${exits.length - reported.size} processes`);
          },
          persistNow: () => topology.forceStop(),
        },
        { timeoutMs: topologyStopBoundMs(config.shutdownTimeoutMs) + 1_000 },
      );
    });
}

function parsePorts(flag: string, text: string): number[] {
  const ports = text.split(',').map((p) => p.trim());
  for (const port of ports) {
    if (!/^\d+$/.test(port) || Number(port) > 65_535) {
      throw new StartupError(
        ErrorCode.CONFIG_INVALID,
        `${flag}: "${port}" is not a port number (0 to 65535)`,
      );
    }
  }
  return ports.map(Number);
}
