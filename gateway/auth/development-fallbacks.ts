import type { Logger } from '../common/logger.js';
import type { SecurityConfig } from './security-config.js';

/**
 * The secrets that are not configured and so come from the development key in the state
 * directory. Fine on a laptop; in production every gateway replica and subgraph must share
 * configured secrets, so the gateway warns at start when any is missing (docker-compose.yml
 * requires all three).
 */
export function developmentKeyFallbacks(security: SecurityConfig): string[] {
  const { auth, contextToken, policy } = security;
  return [
    ...(auth.secret === undefined &&
    auth.remote === null &&
    auth.publicKey === undefined &&
    auth.publicKeyFile === undefined &&
    auth.jwksFile === undefined
      ? ['JWT_SECRET (or OIDC_ISSUER, JWT_JWKS_URL, JWT_PUBLIC_KEY, JWT_PUBLIC_KEY_FILE, JWT_JWKS_FILE)']
      : []),
    ...(contextToken.secret === undefined ? ['CONTEXT_TOKEN_SECRET'] : []),
    ...(policy.hashKey === undefined ? ['POLICY_HASH_KEY'] : []),
  ];
}

export function warnOnDevelopmentKeys(security: SecurityConfig, logger: Logger): void {
  const missing = developmentKeyFallbacks(security);
  if (missing.length > 0) {
    logger.warn(
      { missing },
      'production without configured secrets: using the development key of the state directory',
    );
  }
}
