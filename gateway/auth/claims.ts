import type { AttributeValue, Principal } from '../common/types.js';
import type { AuthConfig } from './security-config.js';

/**
 * Maps verified JWT claims to a principal. Roles and scopes may be an array or an RFC 6749
 * §3.3 space-separated string; claim names are configurable and may be dotted paths
 * (`realm_access.roles`) to reach nested claims.
 */
export function principalFromClaims(
  claims: Record<string, unknown>,
  mapping: AuthConfig['claims'],
): Principal {
  const attributes: Record<string, AttributeValue> = {};
  for (const [name, path] of Object.entries(mapping.attributes)) {
    const value = claimAt(claims, path);
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      attributes[name] = String(value);
    // A claim holding an array (countries: ["DE", "AT"]) is a list attribute: its scalar items, as strings.
    else if (Array.isArray(value))
      attributes[name] = Object.freeze(
        value
          .filter((v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
          .map(String),
      );
  }
  return Object.freeze({
    sub: subjectOf(claims, mapping.subject),
    anonymous: false,
    roles: Object.freeze(stringList(claimAt(claims, mapping.roles))),
    scopes: Object.freeze(stringList(claimAt(claims, mapping.scopes) ?? claims.scp)),
    teams: Object.freeze(stringList(claimAt(claims, mapping.teams))),
    attributes: Object.freeze(attributes),
    expiresAt: typeof claims.exp === 'number' ? claims.exp : undefined,
  });
}

/**
 * The first configured path holding a non-empty string (JWT_CLAIM_SUBJECT, default `sub`
 * then `client_id`): a person by `sub` or `preferred_username`, an app or a CI pipeline by
 * its client id (RFC 9068 `client_id`, Entra ID `azp`), named so in lineage and the audit log.
 */
function subjectOf(claims: Record<string, unknown>, paths: readonly string[]): string {
  for (const path of paths) {
    const value = claimAt(claims, path);
    if (typeof value === 'string' && value !== '') return value;
  }
  return '';
}

export function claimAt(claims: Record<string, unknown>, path: string): unknown {
  if (path in claims) return claims[path];
  let value: unknown = claims;
  for (const part of path.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function stringList(value: unknown): string[] {
  if (typeof value === 'string') return value.split(' ').filter(Boolean);
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}
