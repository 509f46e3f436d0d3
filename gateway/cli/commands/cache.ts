import type { Command } from 'commander';
import { loadConfig, type MeshgateConfig } from '../../config/config.js';
import { ErrorCode, StartupError } from '../../common/errors.js';
import { adminToken, answerCode, requestAdmin } from '../admin-request.js';
import { ONE_SHOT, openRedis } from '../../redis/redis-connection.js';
import {
  describeInvalidation,
  InvalidationRequestSchema,
  publishInvalidation,
  type CacheStats,
  type InvalidationRequest,
} from '../../subgraph-fetch/entity-cache/index.js';

interface GatewayFlags {
  url: string[];
  token?: string;
}

/**
 * `meshgate cache`: the entity cache's stats and invalidation. With Redis configured
 * (REDIS_URL or a cluster), `invalidate` publishes to every replica itself; otherwise it asks
 * the gateway (`POST /admin/cache/invalidate`). Requests to a gateway carry `--token`, or a
 * short-lived admin token signed with this deployment's key (JWT_SECRET or the development key).
 */
export function registerCacheCommand(program: Command): void {
  const cache = program.command('cache').description('the entity cache: stats, invalidation');

  withGateway(
    cache.command('stats').description('hits, misses, hit rate, evictions, stale refusals, entries, bytes'),
  )
    .option('--json', "the replicas' stats as JSON")
    .action(async (flags: GatewayFlags & { json?: boolean }) => {
      const config = loadConfig();
      const replicas: { url: string; stats: CacheStats }[] = [];
      for (const url of urlsOf(flags, config))
        replicas.push({ url, stats: (await call(url, 'GET', '/admin/cache', flags, config)) as CacheStats });
      if (flags.json) return console.log(JSON.stringify(replicas, null, 2));
      console.log(
        ['gateway', 'subgraph', 'hits', 'misses', 'hit rate', 'evictions', 'stale', 'entries', 'bytes'].join(
          '\t',
        ),
      );
      for (const { url, stats } of replicas) {
        for (const [subgraph, s] of Object.entries(stats.subgraphs))
          console.log(
            [
              url,
              subgraph,
              s.hits,
              s.misses,
              rate(s.hits, s.misses),
              s.evictions,
              s.stale,
              s.entries,
              s.bytes,
            ].join('\t'),
          );
        const total = Object.values(stats.subgraphs).reduce(
          (sum, s) => ({
            hits: sum.hits + s.hits,
            misses: sum.misses + s.misses,
            evictions: sum.evictions + s.evictions,
            stale: sum.stale + s.stale,
          }),
          { hits: 0, misses: 0, evictions: 0, stale: 0 },
        );
        console.log(
          [
            url,
            '(all)',
            total.hits,
            total.misses,
            rate(total.hits, total.misses),
            total.evictions,
            total.stale,
            stats.entries,
            stats.bytes,
          ].join('\t'),
        );
      }
    });

  withGateway(
    cache
      .command('invalidate')
      .description("drop a product's cached answers (or one entity's) on every replica")
      .requiredOption('--product <name>', 'the data product (subgraph) whose answers to drop')
      .option('--type <Type>', "only entities of this type (and the product's root-field answers)")
      .option('--key <key>', 'only the entity with this key: a value, or field=value[,field=value]'),
  ).action(async (flags: GatewayFlags & InvalidationRequest) => {
    const parsed = InvalidationRequestSchema.safeParse({
      product: flags.product,
      type: flags.type,
      key: flags.key,
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new StartupError(
        ErrorCode.BAD_USER_INPUT,
        `--${String(issue.path[0] ?? 'product')}: ${issue.message}`,
      );
    }
    const request = parsed.data;
    const config = loadConfig();
    if (config.redis && flags.url.length === 0) {
      const redis = openRedis(config.redis, ONE_SHOT);
      redis.on('error', () => undefined);
      try {
        const replicas = await publishInvalidation(redis, config.cache.prefix, request);
        console.log(
          `invalidated ${describeInvalidation(request)} on ${replicas} replica(s) (${config.redis.describe})`,
        );
      } catch (cause) {
        throw new StartupError(
          ErrorCode.CACHE_UNAVAILABLE,
          `cannot publish the invalidation on ${config.redis.describe}: ${(cause as Error).message}`,
        );
      } finally {
        redis.disconnect();
      }
      return;
    }
    for (const url of urlsOf(flags, config)) {
      const answer = (await call(url, 'POST', '/admin/cache/invalidate', flags, config, request)) as {
        invalidated: number;
        replicas: number | null;
      };
      const where = answer.replicas === null ? url : `${answer.replicas} replica(s) via ${url}`;
      console.log(
        `invalidated ${describeInvalidation(request)} on ${where}: ${answer.invalidated} entr(y/ies) here`,
      );
    }
  });
}

function withGateway(command: Command): Command {
  return command
    .option(
      '--url <url>',
      'a gateway (repeatable; default http://127.0.0.1:PORT)',
      (v: string, all: string[]) => [...all, v],
      [],
    )
    .option(
      '--token <jwt>',
      "bearer token with role admin or data-steward (default: one signed with this deployment's key)",
    );
}

function urlsOf(flags: GatewayFlags, config: MeshgateConfig): string[] {
  const urls = flags.url.length > 0 ? flags.url : [`http://127.0.0.1:${config.port}`];
  return urls.map((url) => url.replace(/\/(graphql)?$/, ''));
}

async function call(
  base: string,
  method: 'GET' | 'POST',
  path: string,
  flags: GatewayFlags,
  config: MeshgateConfig,
  body?: unknown,
): Promise<unknown> {
  const answer = await requestAdmin({
    url: `${base}${path}`,
    method,
    token: adminToken(config, flags.token, { sub: 'meshgate-cli', roles: ['admin'] }),
    body,
    unreachable: (cause) =>
      new StartupError(
        ErrorCode.CACHE_UNAVAILABLE,
        `cannot reach the gateway at ${base}: ${(cause as Error).message}`,
      ),
  });
  if (answer.status === 404)
    throw new StartupError(
      ErrorCode.CACHE_UNAVAILABLE,
      `the gateway at ${base} has no entity cache (MESHGATE_CACHE=off)`,
    );
  if (!answer.ok)
    throw new StartupError(
      answerCode(answer, ErrorCode.CACHE_UNAVAILABLE),
      `${base}${path}: ${answer.body.error?.message ?? `HTTP ${answer.status}`}`,
    );
  return answer.body;
}

function rate(hits: number, misses: number): string {
  return hits + misses === 0 ? '-' : `${((100 * hits) / (hits + misses)).toFixed(1)}%`;
}
