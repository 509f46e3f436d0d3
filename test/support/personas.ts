import { issueToken, type TokenRequest } from '../../gateway/auth/index.js';
import { createLogger } from '../../gateway/common/logger.js';
import type { RunningMesh } from '../../gateway/cli/mesh.js';
import { startGateway, type RunningGateway } from '../../gateway/server.js';
import { testConfig } from './mesh.js';

/**
 * Policy-layer test helpers: persona tokens signed as `meshgate token` signs them, and extra
 * gateways (other policy settings) over the shared mesh's subgraphs — a gateway starts in
 * well under a second, the subgraphs (and their seeding) are shared.
 */
export const PERSONAS = {
  analyst: { sub: 'ana', roles: ['analyst'] },
  support: { sub: 'sam', roles: ['support'], attributes: { purpose: 'support' } },
  finance: { sub: 'fin', roles: ['finance'] },
  'data-steward': { sub: 'stew', roles: ['data-steward'] },
  /** An analyst whose customers are those of DE and AT (row filter regional-analyst-customers). */
  'regional-analyst': { sub: 'rea', roles: ['analyst'], attributes: { countries: ['DE', 'AT'] } },
} as const satisfies Record<string, TokenRequest>;

export type Persona = 'anonymous' | keyof typeof PERSONAS;

/** A fixed hash-mask key, so hashed values can be asserted literally. */
export const TEST_HASH_KEY = 'meshgate-test-hash-key';

/** A bearer token for a persona, for a gateway on the default (development) key. */
export function personaToken(
  persona: Exclude<Persona, 'anonymous'>,
  extra: Partial<TokenRequest> = {},
): string {
  const config = testConfig();
  return issueToken(config.security.auth, config.stateDir, { ...PERSONAS[persona], ...extra });
}

export function bearer(token: string | undefined): Record<string, string> {
  return token ? { authorization: `Bearer ${token}` } : {};
}

export function personaHeaders(persona: Persona): Record<string, string> {
  return persona === 'anonymous' ? {} : bearer(personaToken(persona));
}

/** A gateway with its own settings over the shared mesh's subgraphs; stop it after use. */
export async function gatewayOver(
  mesh: RunningMesh,
  env: Record<string, string> = {},
  routes: Record<string, string> = {},
): Promise<RunningGateway> {
  const config = testConfig({ MESHGATE_LINEAGE: 'off', POLICY_HASH_KEY: TEST_HASH_KEY, ...env });
  const subgraphUrls = { ...Object.fromEntries(mesh.subgraphs.map((s) => [s.name, s.url])), ...routes };
  return startGateway({ ...config, port: 0, subgraphUrls }, createLogger('silent'));
}
