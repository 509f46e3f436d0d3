import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '../common/logger.js';
import type { RedisClient } from './redis-client.js';
import type { RedisConnection } from './redis-config.js';
import { FAIL_FAST, openRedis } from './redis-connection.js';

/**
 * A Redis client for state on the request path (rate-limit counters, the APQ cache): while
 * Redis is down a command fails at once instead of queueing, so a request degrades (memory
 * rate limiter, cache miss) rather than waiting. It reconnects in the background.
 */
export function failFastRedis(
  connection: RedisConnection,
  what: string,
  logger: Logger | undefined,
): RedisClient {
  const client = openRedis(connection, FAIL_FAST);
  let down = false;
  client.on('error', (error: Error) => {
    if (!down) logger?.warn({ err: error, what }, `${what}: Redis unavailable, degrading until it is back`);
    down = true;
  });
  client.on('ready', () => {
    if (down) logger?.info({ what }, `${what}: Redis is back`);
    down = false;
  });
  return client;
}

/**
 * Waits (at most `ms`) for the first connection, so requests right after start use Redis, not
 * the fallback. Resolves either way: a Redis that is down at start must not block start-up.
 */
export async function firstConnection(client: RedisClient, ms = 2_000): Promise<void> {
  if (client.status === 'ready') return;
  const timeout = new AbortController();
  await Promise.race([
    once(client, 'ready', { signal: timeout.signal }).catch(() => undefined),
    sleep(ms, undefined, { ref: false }),
  ]);
  timeout.abort();
}
