import { join } from 'node:path';
import { z } from 'zod';
import type { RedisConnection } from '../../gateway/redis/redis-config.js';

/**
 * The environment variables of the schema registry, as zod fields `gateway/config/config.ts` adds to
 * its schema. The registry uses the deployment's Redis (gateway/redis/) when there is one.
 */
export const registryEnv = {
  /** Where the gateway gets its supergraph: the file (SUPERGRAPH_PATH) or the registry (hot reload). */
  SUPERGRAPH_SOURCE: z.enum(['file', 'registry']).default('file'),
  /** Its hash tag keeps the registry's keys in one Redis Cluster slot (a commit is one MULTI over them). */
  REGISTRY_PREFIX: z.string().min(1).default('meshgate:{registry}:'),
  /** The registry directory when there is no Redis; default `<state dir>/registry`. */
  REGISTRY_DIR: z.string().min(1).optional(),
  /** How often a gateway polls the registry (besides Redis pub/sub), in milliseconds. */
  REGISTRY_POLL_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int()
    .min(100, 'must be at least 100')
    .default(2_000),
  /** `meshgate registry serve`: the port of the registry service's HTTP API. */
  REGISTRY_PORT: z.coerce
    .number({ error: 'must be a port number' })
    .int('must be an integer')
    .min(0, 'must be from 0 to 65535')
    .max(65_535, 'must be from 0 to 65535')
    .default(4400),
  /** The gateway also serves the registry's HTTP API at /registry/v1 (off: only `meshgate registry serve`). */
  REGISTRY_ROUTES: z.enum(['on', 'off']).default('off'),
  /** The governance standards a publish must pass; default: meshgate's own schema/governance.yaml. */
  REGISTRY_GOVERNANCE_FILE: z.string().min(1).optional(),
};

type RegistryEnv = z.infer<z.ZodObject<typeof registryEnv>>;

export interface RegistryConfig {
  readonly redis: RedisConnection | undefined;
  readonly prefix: string;
  readonly dir: string;
  readonly pollMs: number;
  /** The registry service's port (`meshgate registry serve`). */
  readonly port: number;
  /** Whether the gateway mounts the registry's HTTP API too. */
  readonly routes: boolean;
  /** The governance standards a publish must pass; undefined: meshgate's own. */
  readonly governanceFile: string | undefined;
}

export function registryConfig(
  e: RegistryEnv,
  stateDir: string,
  absolute: (path: string) => string,
  redis: RedisConnection | undefined,
): RegistryConfig {
  return Object.freeze({
    redis,
    prefix: e.REGISTRY_PREFIX,
    dir: e.REGISTRY_DIR ? absolute(e.REGISTRY_DIR) : join(stateDir, 'registry'),
    pollMs: e.REGISTRY_POLL_MS,
    port: e.REGISTRY_PORT,
    routes: e.REGISTRY_ROUTES === 'on',
    governanceFile: e.REGISTRY_GOVERNANCE_FILE ? absolute(e.REGISTRY_GOVERNANCE_FILE) : undefined,
  });
}
