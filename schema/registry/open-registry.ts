import type { RegistryConfig } from './registry-config.js';
import { directoryRegistry } from './directory-registry.js';
import { redisRegistry } from './redis-registry.js';
import type { Registry } from './types.js';

/** The registry the configuration names: Redis when there is one, else the local directory. */
export function openRegistry(config: RegistryConfig): Registry {
  return config.redis
    ? redisRegistry(config.redis, config.prefix, config.pollMs)
    : directoryRegistry(config.dir, config.pollMs);
}
