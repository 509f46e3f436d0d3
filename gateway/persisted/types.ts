/** The persisted-operations module's public contracts. */
import type { RedisConnection } from '../redis/redis-config.js';

export interface PersistedConfig {
  /** Automatic persisted queries (Apollo's APQ protocol); the cache is Redis when there is one. */
  readonly apq: boolean;
  readonly apqTtlSeconds: number;
  readonly apqPrefix: string;
  readonly redis: RedisConnection | undefined;
  /** Refuse every operation that is not in the manifest at `safelistPath`. */
  readonly safelist: boolean;
  readonly safelistPath: string | undefined;
}

/** One operation of a published manifest (Apollo's persisted query manifest format). */
export interface ManifestOperation {
  /** sha256 of `body`, hex: the APQ hash clients send. */
  readonly id: string;
  readonly name: string;
  readonly type: 'query' | 'mutation' | 'subscription';
  readonly body: string;
}

export interface Safelist {
  readonly path: string;
  /** Operation bodies by hash. */
  readonly operations: ReadonlyMap<string, string>;
  has(hash: string | undefined): boolean;
}
