import type { Principal } from '../../gateway/common/types.js';

/** A signed-in principal as authentication makes one, for tests that decide on one. */
export function principal(sub: string, roles: readonly string[], extra: Partial<Principal> = {}): Principal {
  return { sub, anonymous: false, roles, scopes: [], teams: [], attributes: {}, ...extra };
}

/** The analyst persona of the reference policies. */
export const ANALYST: Principal = principal('ana', ['analyst']);
