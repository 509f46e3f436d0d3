import { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

/**
 * A Redis client for state on the request path (rate-limit counters, the APQ cache): while
 * Redis is down a command fails at once instead of queueing, so a request degrades (memory
 * rate limiter, cache miss) rather than waiting. It reconnects in the background.
 */
export function failFastRedis(url: string, what: string, logger: Logger | undefined): Redis {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 1_000,
    retryStrategy: (attempt) => Math.min(attempt * 100, 1_000),
  });
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
