import { createHash } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { LRUCache } from 'lru-cache';
import { canonicalJson } from './canonical-json.js';
import type { EntryMeta } from './types.js';

/**
 * Claims of the context token that say when or which request, not who or under what rights:
 * leaving them out lets a principal's entries outlive the renewal of its token.
 */
const REQUEST_SPECIFIC_CLAIMS = new Set(['iat', 'exp', 'nbf', 'jti']);

/**
 * What in the context token can change a subgraph's answer, as a short hash: every signed
 * claim but iat/exp/nbf/jti. A data product sees only its request and this token, so two
 * fetches with the same operation, variables and fingerprint get the same answer. Taking the
 * claims as signed, rather than a list of the ones that matter today, keeps that true when
 * the token carries more: row filters (a `filters` claim) change the rows a product returns,
 * and any claim added later is covered without touching the cache. The subject is included:
 * no product reads it today, but one may ("my orders"), so principals share no entry, even
 * with equal rights; that costs hit rate across users, never correctness.
 */
export function claimsFingerprint(claims: Readonly<Record<string, unknown>>): string {
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(claims))
    if (!REQUEST_SPECIFIC_CLAIMS.has(name)) kept[name] = value;
  return shortHash(canonicalJson(kept));
}

/** The fingerprint of the claims a context token carries; tokens are reused for half their life, so one decode per token. */
export function contextFingerprinter(): (token: string | undefined) => string {
  const byToken = new LRUCache<string, string>({ max: 10_000 });
  return (token) => {
    if (!token) return 'none';
    let fingerprint = byToken.get(token);
    if (fingerprint === undefined) {
      const payload = jwt.decode(token, { json: true });
      // A token we signed always decodes; anything else shares no entry with anything.
      fingerprint = payload ? claimsFingerprint(payload) : shortHash(token);
      byToken.set(token, fingerprint);
    }
    return fingerprint;
  };
}

/** The part of a fetch's key every one of its entities shares. */
export interface FetchKeyParts {
  readonly subgraph: string;
  /** Supergraph and product version (EntityCache.generation). */
  readonly generation: string;
  readonly fingerprint: string;
  /** The subgraph operation's text. */
  readonly query: string;
  /** Its variables but `representations` (field arguments the plan passes along). */
  readonly variables: Readonly<Record<string, unknown>>;
}

/** The key prefix of one fetch: subgraph, generation, principal's fingerprint, selection. */
export function fetchKey(parts: FetchKeyParts): string {
  const selection = shortHash(`${parts.query}\n${canonicalJson(parts.variables)}`);
  return `${parts.subgraph}|${parts.generation}|${parts.fingerprint}|${selection}`;
}

/** One entity's key: its fetch's key and its representation (typename, key and @requires fields). */
export function entityKey(fetch: string, representation: unknown): string {
  return `${fetch}|${canonicalJson(representation)}`;
}

/** A root-field fetch's key: the whole answer is one entry. */
export function rootKey(fetch: string): string {
  return `${fetch}|root`;
}

/** The inverse of the key format, for an entry promoted from L2 (which stores text only). */
export function metaOfKey(key: string): EntryMeta {
  const [subgraph = '', , , , ...rest] = key.split('|');
  const representation = rest.join('|');
  if (representation === 'root') return { subgraph, typename: null, representation: null };
  const parsed = JSON.parse(representation) as Record<string, unknown>;
  const typename = typeof parsed.__typename === 'string' ? parsed.__typename : null;
  return { subgraph, typename, representation: parsed };
}

export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 22);
}
