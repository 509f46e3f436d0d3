import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider, { type ClientMetadata, type Configuration } from 'oidc-provider';
import { freePort } from './redis-server.js';

/**
 * A real OpenID provider for the tests: panva's oidc-provider (OpenID Certified), on loopback,
 * with a login page that checks a user name and password, client credentials for apps and
 * CI, JWT access tokens (RFC 9068, ES256) for the resource `meshgate`, refresh tokens and
 * RP-initiated logout. Keys can be rotated and removed while it serves, it can be stopped and
 * started again on the same port, and it counts the fetches of its JWKS and discovery.
 */
export interface TestProvider {
  readonly issuer: string;
  /** GET /jwks, GET /.well-known/openid-configuration and POST /token served so far. */
  readonly fetches: { jwks: number; discovery: number; token: number };
  /** A client-credentials access token of this client, for `resource` (default the gateway's). */
  clientToken(clientId: string, resource?: string): Promise<string>;
  /** The `kid` signing access tokens now. */
  signingKid(): string;
  /** A new ES256 key signs from now on; the old ones stay published. Returns its kid. */
  rotate(): Promise<string>;
  /** The key is no longer published. */
  removeKey(kid: string): void;
  /** Killed: the port refuses connections. */
  stop(): Promise<void>;
  /** Serving again on the same port, with the same keys. */
  start(): Promise<void>;
}

export interface TestUser {
  readonly password: string;
  readonly claims: Record<string, unknown>;
}

export interface TestClient {
  readonly id: string;
  readonly secret: string;
  /** Extra claims of its client-credentials tokens (roles, teams, purpose, …). */
  readonly claims?: Record<string, unknown>;
  /** A console: the authorization code flow back to these URLs. */
  readonly redirectUris?: readonly string[];
  readonly postLogoutRedirectUris?: readonly string[];
}

export const RESOURCE = 'urn:meshgate';
export const AUDIENCE = 'meshgate';

export async function startTestProvider(options: {
  users?: Readonly<Record<string, TestUser>>;
  clients: readonly TestClient[];
  port?: number;
  accessTokenTtl?: number;
}): Promise<TestProvider> {
  const port = options.port ?? (await freePort());
  const issuer = `http://127.0.0.1:${port}`;
  const users = options.users ?? {};
  const keys: JWK[] = [await newKey('ES256'), await newKey('RS256')];
  const fetches = { jwks: 0, discovery: 0, token: 0 };
  let provider = makeProvider();
  let callback = provider.callback();
  const replace = () => {
    provider = makeProvider();
    callback = provider.callback();
  };

  function makeProvider(): Provider {
    const clients: ClientMetadata[] = options.clients.map((c) =>
      c.redirectUris
        ? {
            client_id: c.id,
            client_secret: c.secret,
            grant_types: ['authorization_code', 'refresh_token'],
            response_types: ['code'],
            redirect_uris: [...c.redirectUris],
            post_logout_redirect_uris: [...(c.postLogoutRedirectUris ?? [])],
            token_endpoint_auth_method: 'client_secret_basic',
          }
        : {
            client_id: c.id,
            client_secret: c.secret,
            grant_types: ['client_credentials'],
            response_types: [],
            redirect_uris: [],
            token_endpoint_auth_method: 'client_secret_basic',
          },
    );
    const configuration: Configuration = {
      clients,
      jwks: { keys: [...keys] },
      cookies: { keys: ['meshgate-test-provider-cookie-key'] },
      pkce: { required: () => true },
      interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
      features: {
        devInteractions: { enabled: false },
        clientCredentials: { enabled: true },
        rpInitiatedLogout: { enabled: true },
        resourceIndicators: {
          enabled: true,
          defaultResource: () => RESOURCE,
          useGrantedResource: () => true,
          // `urn:meshgate` is the gateway; any other `urn:x` a resource server with audience x.
          getResourceServerInfo: (_ctx, resource) => ({
            scope: 'read',
            audience: resource === RESOURCE ? AUDIENCE : resource.replace(/^urn:/, ''),
            accessTokenTTL: options.accessTokenTtl ?? 300,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'ES256' } },
          }),
        },
      },
      scopes: ['openid', 'profile', 'offline_access', 'read'],
      findAccount: (_ctx, id) =>
        users[id] ? { accountId: id, claims: () => ({ sub: id, name: id }) } : undefined,
      // A first-party console: consent is implied, for the scopes and the resource asked.
      async loadExistingGrant(ctx) {
        const { oidc } = ctx;
        const existing = oidc.result?.consent?.grantId ?? oidc.session?.grantIdFor(oidc.client!.clientId);
        if (existing) return oidc.provider.Grant.find(existing);
        const grant = new oidc.provider.Grant({
          clientId: oidc.client!.clientId,
          accountId: oidc.session!.accountId,
        });
        grant.addOIDCScope('openid profile offline_access');
        grant.addResourceScope(RESOURCE, 'read');
        await grant.save();
        return grant;
      },
      issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
      // The claims meshgate maps: a user's from the directory, an app's from its registration.
      extraTokenClaims: (_ctx, token) => {
        const accountId = 'accountId' in token ? (token.accountId as string | undefined) : undefined;
        if (accountId) return users[accountId]?.claims;
        return options.clients.find((c) => c.id === token.clientId)?.claims;
      },
    };
    return new Provider(issuer, configuration);
  }

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/jwks') fetches.jwks++;
    if (path === '/.well-known/openid-configuration') fetches.discovery++;
    if (path === '/token') fetches.token++;
    const interaction = /^\/interaction\/([\w-]+)(\/login)?$/.exec(path);
    if (!interaction) return callback(req, res);
    try {
      const details = await provider.interactionDetails(req, res);
      if (details.prompt.name === 'consent') return await consent(details, req, res);
      if (req.method === 'GET') return loginPage(res, details.uid);
      const form = new URLSearchParams(await body(req));
      const name = form.get('username') ?? '';
      if (users[name]?.password !== form.get('password'))
        return loginPage(res, details.uid, 'wrong user name or password');
      await provider.interactionFinished(
        req,
        res,
        { login: { accountId: name } },
        { mergeWithLastSubmission: false },
      );
    } catch (error) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(String(error));
    }
  };
  // A first-party console: whatever consent is still missing is granted without asking.
  async function consent(
    details: Awaited<ReturnType<Provider['interactionDetails']>>,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    const missing = details.prompt.details as {
      missingOIDCScope?: string[];
      missingOIDCClaims?: string[];
      missingResourceScopes?: Record<string, string[]>;
    };
    const grant = details.grantId
      ? (await provider.Grant.find(details.grantId))!
      : new provider.Grant({
          accountId: details.session!.accountId,
          clientId: details.params.client_id as string,
        });
    if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
    if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
    for (const [resource, scopes] of Object.entries(missing.missingResourceScopes ?? {}))
      grant.addResourceScope(resource, scopes.join(' '));
    await provider.interactionFinished(
      req,
      res,
      { consent: { grantId: await grant.save() } },
      { mergeWithLastSubmission: true },
    );
  }

  let server: Server = createServer((req, res) => void handle(req, res));
  await listen(server, port);

  return {
    issuer,
    fetches,
    async clientToken(clientId, resource = RESOURCE) {
      const client = options.clients.find((c) => c.id === clientId)!;
      const response = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'read', resource }),
      });
      const json = (await response.json()) as { access_token?: string; error?: string };
      if (!json.access_token) throw new Error(`client credentials for ${clientId}: ${JSON.stringify(json)}`);
      return json.access_token;
    },
    signingKid: () => keys.find((k) => k.kty === 'EC')!.kid!,
    async rotate() {
      const key = await newKey('ES256');
      keys.unshift(key);
      // A new provider on the same server: the listening socket never closes (no missed request).
      replace();
      return key.kid!;
    },
    removeKey(kid) {
      keys.splice(
        keys.findIndex((k) => k.kid === kid),
        1,
      );
      replace();
    },
    async stop() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
    async start() {
      server = createServer((req, res) => void handle(req, res));
      await listen(server, port);
    },
  };
}

async function newKey(alg: 'ES256' | 'RS256'): Promise<JWK> {
  const { privateKey } = await generateKeyPair(alg, { extractable: true });
  return {
    ...(await exportJWK(privateKey)),
    kid: `${alg.toLowerCase()}-${randomUUID().slice(0, 8)}`,
    alg,
    use: 'sig',
  };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo) && undefined);
    });
  });
}

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The provider's own sign-in page: user name and password, posted back to it. */
function loginPage(res: ServerResponse, uid: string, error?: string): void {
  res.writeHead(error ? 401 : 200, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
  });
  res.end(`<!doctype html><html><head><title>Sign in · Example Corp identity</title>
<style>body{font-family:sans-serif;background:#eef2f7;display:flex;justify-content:center;padding-top:80px}
form{background:#fff;padding:32px;border-radius:8px;box-shadow:0 2px 8px #0002;width:320px}
input{display:block;width:100%;margin:6px 0 16px;padding:8px;box-sizing:border-box}
button{padding:8px 16px;background:#1d4ed8;color:#fff;border:0;border-radius:4px}.error{color:#b91c1c}</style></head>
<body><form method="post" action="/interaction/${uid}/login" autocomplete="off">
<h1>Example Corp sign-in</h1>${error ? `<p class="error">${error}</p>` : ''}
<label for="username">User name</label><input id="username" name="username" autofocus>
<label for="password">Password</label><input id="password" name="password" type="password">
<button type="submit">Sign in</button></form></body></html>`);
}
