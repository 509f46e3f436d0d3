import type { RedisClient } from '../../redis/redis-client.js';
import { invalidationChannel } from './invalidation.js';
import { L2Cache } from './l2-cache.js';
import type { InvalidationRequest } from './types.js';

/**
 * An invalidation for every replica: a new L2 epoch for the product (its entries in Redis
 * read as misses from now on) and a message on the channel each replica's L1 listens to.
 * Resolves to the number of subscribers that received it (PUBLISH's answer).
 */
export async function publishInvalidation(
  redis: RedisClient,
  prefix: string,
  request: InvalidationRequest,
): Promise<number> {
  await new L2Cache(redis, prefix).bumpEpoch(request.product);
  return redis.publish(invalidationChannel(prefix), JSON.stringify(request));
}
