import jwt from 'jsonwebtoken';
import type { AttributeValue } from '../common/types.js';
import { secretFor } from './dev-key.js';
import type { AuthConfig } from './security-config.js';

export interface TokenRequest {
  sub: string;
  roles?: readonly string[];
  scopes?: readonly string[];
  /** The teams the token acts for (JWT_CLAIM_TEAMS, an array): who may publish which data product. */
  teams?: readonly string[];
  /** Principal attributes (purpose, region, clearance, …), written to their mapped claims; a list as a JSON array. */
  attributes?: Readonly<Record<string, AttributeValue>>;
  /** Lifetime in seconds. Default one hour. */
  ttlSeconds?: number;
}

/**
 * Issues an HS256 token the local gateway accepts (`meshgate token`): signed with JWT_SECRET,
 * else the development key's user-token key, with the configured issuer and audience, and
 * claims laid out as the configured claim mapping reads them.
 */
export function issueToken(auth: AuthConfig, stateDir: string, request: TokenRequest): string {
  const claims: Record<string, unknown> = {};
  setClaim(claims, auth.claims.roles, [...(request.roles ?? [])]);
  // RFC 6749 §3.3 / RFC 8693: `scope` is one space-separated string.
  setClaim(claims, auth.claims.scopes, (request.scopes ?? []).join(' '));
  if (request.teams?.length) setClaim(claims, auth.claims.teams, [...request.teams]);
  for (const [name, value] of Object.entries(request.attributes ?? {}))
    setClaim(claims, auth.claims.attributes[name] ?? name, typeof value === 'string' ? value : [...value]);
  return jwt.sign(claims, secretFor('user-token', auth.secret, stateDir), {
    algorithm: 'HS256',
    subject: request.sub,
    issuer: auth.issuer,
    audience: auth.audience,
    expiresIn: request.ttlSeconds ?? 3600,
  });
}

function setClaim(claims: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let target = claims;
  for (const part of parts.slice(0, -1)) {
    target[part] ??= {};
    target = target[part] as Record<string, unknown>;
  }
  target[parts[parts.length - 1]!] = value;
}
