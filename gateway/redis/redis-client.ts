import type { Cluster, Redis } from 'ioredis';

/**
 * A connection to the deployment's Redis: one server (REDIS_URL) or a Redis Cluster
 * (REDIS_CLUSTER_NODES). Every user of Redis takes this type and opens it through
 * `redis-connection.ts`, so none of them knows which it got. Keys that one command or
 * script touches together share a hash tag (`{…}`), so they live in one cluster slot.
 */
export type RedisClient = Redis | Cluster;
