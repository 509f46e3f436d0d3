import { z } from 'zod';
import {
  REMOTE_ALGORITHMS,
  consoleSsoConfig,
  oidcEnv,
  remoteIssuerConfig,
  type ConsoleSsoConfig,
  type RemoteIssuerConfig,
} from './oidc-config.js';

/**
 * The environment variables of the policy layer (authentication, policies, subgraph context
 * tokens), as zod fields that `gateway/config/config.ts` adds to its schema. Nothing here reads
 * `process.env`; config.ts validates these once at start with the rest and freezes them.
 */

const bool = z.enum(['true', 'false'], { error: 'must be true or false' }).transform((v) => v === 'true');
const seconds = z.coerce
  .number({ error: 'must be a number of seconds' })
  .int('must be an integer')
  .min(0, 'must be 0 or more');
const list = (text: string) => text.split(/[\s,]+/).filter(Boolean);

/** JWT algorithms meshgate accepts; `none` is not in this list and never can be. */
export const JWT_ALGORITHMS = ['HS256', 'HS384', 'HS512', ...REMOTE_ALGORITHMS] as const;
export type JwtAlgorithm = (typeof JWT_ALGORITHMS)[number];

const algorithms = z.string().transform((text, ctx) => {
  const names = list(text);
  const bad = names.filter((n) => !(JWT_ALGORITHMS as readonly string[]).includes(n));
  if (bad.length || names.length === 0) {
    ctx.addIssue({
      code: 'custom',
      message: `must be a list of ${JWT_ALGORITHMS.join(', ')} (never none); got ${bad.join(', ') || 'nothing'}`,
    });
    return z.NEVER;
  }
  return names as JwtAlgorithm[];
});

/** `name=claim.path,…`: principal attribute ← claim (dotted paths reach nested claims). */
const claimMap = z.string().transform((text, ctx) => {
  const map: Record<string, string> = {};
  for (const entry of list(text)) {
    const match = /^([A-Za-z_][A-Za-z0-9_]*)=([A-Za-z_][\w.:/-]*)$/.exec(entry);
    if (!match) {
      ctx.addIssue({ code: 'custom', message: `"${entry}" is not attribute=claim` });
      return z.NEVER;
    }
    map[match[1]!] = match[2]!;
  }
  return map;
});

export const securityEnv = {
  AUTH_REQUIRED: bool.default(false),
  JWT_ALGORITHMS: algorithms.default(['HS256', 'RS256']),
  JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  JWT_PUBLIC_KEY: z.string().includes('-----BEGIN', { message: 'must be a PEM public key' }).optional(),
  JWT_PUBLIC_KEY_FILE: z.string().min(1).optional(),
  JWT_JWKS_FILE: z.string().min(1).optional(),
  JWT_ISSUER: z.string().min(1).default('meshgate'),
  JWT_AUDIENCE: z.string().min(1).default('meshgate'),
  // Bounded: a larger skew would let an expired token live minutes longer.
  JWT_CLOCK_TOLERANCE: seconds.max(300, 'must be at most 300').default(30),
  JWT_CLAIM_ROLES: z.string().min(1).default('roles'),
  JWT_CLAIM_SCOPES: z.string().min(1).default('scope'),
  JWT_CLAIM_ATTRIBUTES: claimMap.default({
    purpose: 'purpose',
    region: 'region',
    clearance: 'clearance',
    // A list claim (["DE", "AT"]): the countries a regional row filter keeps.
    countries: 'countries',
  }),
  // The organisation's identity provider: OIDC discovery or a JWKS URL, the console's client (oidc-config.ts).
  ...oidcEnv,
  MESHGATE_POLICY: z.enum(['on', 'off']).default('on'),
  POLICY_DIR: z.string().min(1).default('policies'),
  POLICY_MODE: z.enum(['enforce', 'reject', 'dry-run']).default('enforce'),
  POLICY_INTROSPECTION: z.enum(['filtered', 'full', 'off']).default('filtered'),
  POLICY_HASH_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  CONTEXT_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  CONTEXT_TOKEN_TTL: seconds.min(1, 'must be at least 1').default(60),
  // The gateway's ES256 signing key (PEM, EC P-256); derived from the secret above or the development key when absent.
  CONTEXT_TOKEN_KEY_FILE: z.string().min(1).optional(),
  // More PEM keys whose public halves the JWKS serves too: the previous key while tokens it signed live, or the next one.
  CONTEXT_TOKEN_PUBLISHED_KEYS: z
    .string()
    .transform((list) =>
      list
        .split(',')
        .map((f) => f.trim())
        .filter(Boolean),
    )
    .default([]),
  // A product (`meshgate subgraph`): verify with the gateway's JWKS at this URL, or with this public key (PEM).
  CONTEXT_TOKEN_JWKS_URL: z
    .url({ error: 'must be a URL (the gateway’s /.well-known/meshgate/keys)' })
    .optional(),
  CONTEXT_TOKEN_PUBLIC_KEY_FILE: z.string().min(1).optional(),
};

type SecurityEnv = z.infer<z.ZodObject<typeof securityEnv>>;

export interface AuthConfig {
  /** No token → 401 instead of the anonymous principal. */
  readonly required: boolean;
  readonly algorithms: readonly JwtAlgorithm[];
  /** HS* shared secret; the development key in the state directory when absent. */
  readonly secret: string | undefined;
  /** RS* verification keys: inline PEM, a PEM file, a JWKS file (any may be set). */
  readonly publicKey: string | undefined;
  readonly publicKeyFile: string | undefined;
  readonly jwksFile: string | undefined;
  readonly issuer: string;
  readonly audience: string;
  readonly clockToleranceSeconds: number;
  readonly claims: ClaimMapping;
  /** Tokens of the identity provider (OIDC_ISSUER or JWT_JWKS_URL); null: local keys only. */
  readonly remote: RemoteIssuerConfig | null;
  /** The console's single sign-on (OIDC_ISSUER + OIDC_CLIENT_ID); null: no SSO. */
  readonly console: ConsoleSsoConfig | null;
}

/** Where the principal's pieces are in a token's claims: dotted paths (`realm_access.roles`). */
export interface ClaimMapping {
  /** Tried in order; the first holding a string is the subject (`sub`, then `client_id`). */
  readonly subject: readonly string[];
  readonly roles: string;
  readonly scopes: string;
  /** The teams the principal belongs to (registry ownership): an array or a space-separated string. */
  readonly teams: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export interface PolicyConfig {
  /** MESHGATE_POLICY=off switches the whole authorize/mask stage off (benchmarks). */
  readonly enabled: boolean;
  readonly dir: string;
  readonly mode: 'enforce' | 'reject' | 'dry-run';
  readonly introspection: 'filtered' | 'full' | 'off';
  /** HMAC key of the `hash` mask; derived from the development key when absent. */
  readonly hashKey: string | undefined;
}

export interface ContextTokenConfig {
  /** Seed of the derived ES256 key when no key file is given; the development key when absent. */
  readonly secret: string | undefined;
  readonly ttlSeconds: number;
  /** The gateway's signing key (PEM, EC P-256 private). */
  readonly keyFile?: string | undefined;
  /** PEM keys whose public halves the JWKS also serves (key rotation). */
  readonly publishedKeyFiles?: readonly string[] | undefined;
  /** A product's side: the gateway's JWKS to verify with. */
  readonly jwksUrl?: string | undefined;
  /** A product's side: the gateway's public key (PEM) to verify with. */
  readonly publicKeyFile?: string | undefined;
}

export interface SecurityConfig {
  readonly auth: AuthConfig;
  readonly policy: PolicyConfig;
  readonly contextToken: ContextTokenConfig;
}

export function securityConfig(e: SecurityEnv, absolute: (path: string) => string): SecurityConfig {
  const file = (path: string | undefined) => (path === undefined ? undefined : absolute(path));
  return Object.freeze({
    auth: Object.freeze({
      required: e.AUTH_REQUIRED,
      algorithms: Object.freeze([...e.JWT_ALGORITHMS]),
      secret: e.JWT_SECRET,
      publicKey: e.JWT_PUBLIC_KEY,
      publicKeyFile: file(e.JWT_PUBLIC_KEY_FILE),
      jwksFile: file(e.JWT_JWKS_FILE),
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      clockToleranceSeconds: e.JWT_CLOCK_TOLERANCE,
      claims: Object.freeze({
        subject: Object.freeze([...e.JWT_CLAIM_SUBJECT]),
        teams: e.JWT_CLAIM_TEAMS,
        roles: e.JWT_CLAIM_ROLES,
        scopes: e.JWT_CLAIM_SCOPES,
        attributes: Object.freeze({ ...e.JWT_CLAIM_ATTRIBUTES }),
      }),
      remote: remoteIssuerConfig(e, { issuer: e.JWT_ISSUER, audience: e.JWT_AUDIENCE }),
      console: consoleSsoConfig(e),
    }),
    policy: Object.freeze({
      enabled: e.MESHGATE_POLICY === 'on',
      dir: absolute(e.POLICY_DIR),
      mode: e.POLICY_MODE,
      introspection: e.POLICY_INTROSPECTION,
      hashKey: e.POLICY_HASH_KEY,
    }),
    contextToken: Object.freeze({
      secret: e.CONTEXT_TOKEN_SECRET,
      ttlSeconds: e.CONTEXT_TOKEN_TTL,
      keyFile: file(e.CONTEXT_TOKEN_KEY_FILE),
      publishedKeyFiles: Object.freeze(e.CONTEXT_TOKEN_PUBLISHED_KEYS.map((f) => absolute(f))),
      jwksUrl: e.CONTEXT_TOKEN_JWKS_URL,
      publicKeyFile: file(e.CONTEXT_TOKEN_PUBLIC_KEY_FILE),
    }),
  });
}
