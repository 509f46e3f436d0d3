import { z } from 'zod';

/**
 * The organisation's identity provider: where its tokens' keys are (OIDC discovery or a JWKS
 * URL), what a token from it must say (issuer, audience, algorithm), how long its keys are
 * kept, and the console's OIDC client. As zod fields that security-config.ts adds to the
 * gateway's one schema; nothing here reads `process.env`.
 */

/** What a remote issuer may sign with: asymmetric only. `none` and HS* never (the key is public). */
export const REMOTE_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;
export type RemoteAlgorithm = (typeof REMOTE_ALGORITHMS)[number];

const list = (text: string) => text.split(/[\s,]+/).filter(Boolean);
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/;

/** An http(s) URL; plain http only on loopback (a provider started by tests or a laptop). */
const providerUrl = z.string().transform((text, ctx) => {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be an absolute http(s) URL' });
    return z.NEVER;
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.test(url.hostname))) {
    ctx.addIssue({ code: 'custom', message: 'must be https (plain http only on localhost/127.0.0.1)' });
    return z.NEVER;
  }
  return text;
});

const remoteAlgorithms = z.string().transform((text, ctx) => {
  const names = list(text);
  const bad = names.filter((n) => !(REMOTE_ALGORITHMS as readonly string[]).includes(n));
  if (bad.length || names.length === 0) {
    ctx.addIssue({
      code: 'custom',
      message: `must be a list of ${REMOTE_ALGORITHMS.join(', ')} (never none or HS*); got ${bad.join(', ') || 'nothing'}`,
    });
    return z.NEVER;
  }
  return names as RemoteAlgorithm[];
});

const positiveSeconds = z.coerce
  .number({ error: 'must be a number of seconds' })
  .int('must be an integer')
  .min(1, 'must be at least 1');
/** Dotted claim paths, tried in order: the first that holds a string names the subject. */
const claimPaths = z.string().transform((text) => list(text));

export const oidcEnv = {
  OIDC_ISSUER: providerUrl.optional(),
  JWT_JWKS_URL: providerUrl.optional(),
  OIDC_AUDIENCE: z.string().min(1).optional(),
  OIDC_ALGORITHMS: remoteAlgorithms.default(['RS256', 'PS256', 'ES256', 'EdDSA']),
  JWKS_REFRESH_SECONDS: positiveSeconds.default(300),
  JWKS_COOLDOWN_SECONDS: positiveSeconds.default(30),
  OIDC_TIMEOUT_MS: z.coerce.number().int().min(100, 'must be at least 100').default(3000),
  JWT_CLAIM_SUBJECT: claimPaths.default(['sub', 'client_id']),
  JWT_CLAIM_TEAMS: z.string().min(1).default('teams'),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_SCOPES: z.string().min(1).default('openid profile'),
  OIDC_REDIRECT_URI: providerUrl.optional(),
  OIDC_POST_LOGOUT_REDIRECT_URI: providerUrl.optional(),
};

type OidcEnv = z.infer<z.ZodObject<typeof oidcEnv>>;

/** Tokens from the identity provider: verified with its published keys, never a shared secret. */
export interface RemoteIssuerConfig {
  /** OIDC_ISSUER: discovery finds the JWKS; else JWT_ISSUER names the `iss` of JWT_JWKS_URL's tokens. */
  readonly issuer: string;
  readonly discovery: boolean;
  /** JWT_JWKS_URL: the JWKS directly (wins over discovery's jwks_uri). */
  readonly jwksUrl: string | undefined;
  /** OIDC_AUDIENCE, else JWT_AUDIENCE. */
  readonly audience: string;
  readonly algorithms: readonly RemoteAlgorithm[];
  /** Keys older than this are fetched again (in the background: requests never wait on it). */
  readonly refreshSeconds: number;
  /** An unknown `kid` refetches the JWKS at most once per this many seconds. */
  readonly cooldownSeconds: number;
  readonly timeoutMs: number;
}

/** The console's OIDC client (authorization code + PKCE); null without OIDC_ISSUER and OIDC_CLIENT_ID. */
export interface ConsoleSsoConfig {
  readonly issuer: string;
  readonly clientId: string;
  /** Absent: a public client (PKCE alone). */
  readonly clientSecret: string | undefined;
  readonly scopes: string;
  /** Absent: `<the request's origin>/console/callback`. */
  readonly redirectUri: string | undefined;
  /** Absent: `<the request's origin>/console/signed-out`. */
  readonly postLogoutRedirectUri: string | undefined;
  readonly timeoutMs: number;
}

export function remoteIssuerConfig(
  e: OidcEnv,
  local: { issuer: string; audience: string },
): RemoteIssuerConfig | null {
  if (e.OIDC_ISSUER === undefined && e.JWT_JWKS_URL === undefined) return null;
  return Object.freeze({
    issuer: e.OIDC_ISSUER ?? local.issuer,
    discovery: e.OIDC_ISSUER !== undefined && e.JWT_JWKS_URL === undefined,
    jwksUrl: e.JWT_JWKS_URL,
    audience: e.OIDC_AUDIENCE ?? local.audience,
    algorithms: Object.freeze([...e.OIDC_ALGORITHMS]),
    refreshSeconds: e.JWKS_REFRESH_SECONDS,
    cooldownSeconds: e.JWKS_COOLDOWN_SECONDS,
    timeoutMs: e.OIDC_TIMEOUT_MS,
  });
}

export function consoleSsoConfig(e: OidcEnv): ConsoleSsoConfig | null {
  if (e.OIDC_ISSUER === undefined || e.OIDC_CLIENT_ID === undefined) return null;
  return Object.freeze({
    issuer: e.OIDC_ISSUER,
    clientId: e.OIDC_CLIENT_ID,
    clientSecret: e.OIDC_CLIENT_SECRET,
    scopes: e.OIDC_SCOPES,
    redirectUri: e.OIDC_REDIRECT_URI,
    postLogoutRedirectUri: e.OIDC_POST_LOGOUT_REDIRECT_URI,
    timeoutMs: e.OIDC_TIMEOUT_MS,
  });
}
