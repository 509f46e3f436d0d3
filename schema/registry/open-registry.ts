import type { RegistryConfig } from './registry-config.js';
import { directoryRegistry } from './directory-registry.js';
import { redisRegistry } from './redis-registry.js';
import type { Registry } from './types.js';

/** The registry the configuration names: Redis when REDIS_URL is set, else the local directory. */
export function openRegistry(config: RegistryConfig): Registry {
  return config.redisUrl
    ? redisRegistry(config.redisUrl, config.prefix, config.pollMs)
    : directoryRegistry(config.dir, config.pollMs);
}
