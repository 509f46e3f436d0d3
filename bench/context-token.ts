import { ANONYMOUS } from '../gateway/auth/anonymous.js';
import { contextTokenKey, createContextTokenSigner } from '../gateway/subgraph-fetch/context-token.js';

/**
 * meshgate's subgraphs answer only requests that carry the gateway's context token (no
 * bypass). The benchmark gives its subgraphs and the meshgate contenders one shared secret
 * (CONTEXT_TOKEN_SECRET), and the contenders that are not meshgate — stock Apollo, Hive
 * Gateway, direct calls — one long-lived token signed with it, sent as a static header, so
 * every contender reaches the same subgraphs doing the same verification.
 */
export const BENCH_CONTEXT_SECRET = 'meshgate-bench-context-secret-not-for-production';
export const CONTEXT_HEADER = 'x-meshgate-context';
/** The variable the stock Apollo and Hive contender processes read their static token from. */
export const BENCH_CONTEXT_TOKEN_ENV = 'BENCH_CONTEXT_TOKEN';

export function benchContextToken(): string {
  const key = contextTokenKey({ secret: BENCH_CONTEXT_SECRET, ttlSeconds: 6 * 3600 }, '.meshgate');
  return createContextTokenSigner(key, 6 * 3600).sign(ANONYMOUS);
}
