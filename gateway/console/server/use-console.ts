import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { ConsoleSsoConfig } from '../../auth/oidc-config.js';
import type { Authenticate } from '../../auth/types.js';
import type { Environment } from '../../config/config.js';
import type { Logger } from '../../common/logger.js';
import type { QualityStore } from '../../health/types.js';
import type { LineageStore } from '../../lineage/types.js';
import type { PolicyRule } from '../../policy/types.js';
import type { SupergraphStage } from '../../supergraph/use-supergraph.js';
import type { Stage } from '../../pipeline/types.js';
import type { Registry } from '../../../schema/registry/types.js';
import { consoleBundle } from './build.js';
import { registerConsoleApi } from './console-api.js';
import { registerConsolePages } from './console-pages.js';
import { registerLoginRoutes } from './login-routes.js';
import { schemaChecks } from './schema-checks.js';
import { servedEngine } from './served-engine.js';
import { useSessionBearer } from './session-bearer.js';
import { sessionStore } from './session-store.js';
import { consoleSso } from './sso-routes.js';

export interface ConsoleOptions {
  /** The function /graphql authenticates with: sign-in verifies tokens with it. */
  readonly authenticate: Authenticate;
  /** Single sign-on with the organisation's identity provider; null: none. */
  readonly sso: ConsoleSsoConfig | null;
  readonly environment: Environment;
  /** Where the bundle is built (writable, git-ignored). */
  readonly stateDir: string;
  readonly logger: Logger;
  /** The supergraph in service (null before one loaded) and its descriptors. */
  readonly supergraph: SupergraphStage;
  /** The policy rules the gateway enforces, for the policy matrix. */
  readonly rules: readonly PolicyRule[];
  readonly quality: QualityStore | null;
  /** The schema registry, opened on first use; null when the gateway has none. */
  readonly registry: () => Registry | null;
  readonly lineage: LineageStore | null;
  /** The policies `meshgate check` reads (POLICY_DIR). */
  readonly policyDir: string;
}

/** The repository the gateway runs from: what `meshgate check` checks. */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The mesh console at /console, served by the gateway itself: sign-in with a session cookie,
 * the catalog, product pages, lineage graph, policy matrix, GraphiQL and schema checks. Call
 * it before the GraphQL route is registered: its hooks map a console session to a bearer token
 * for every route, and answer a browser's `GET /graphql` with GraphiQL. The bundle is built
 * in the background when missing or stale (about a second); pages wait for it.
 */
export function useConsole(options: ConsoleOptions): Stage {
  return { name: 'console', routes: (app) => registerConsole(app, options) };
}

function registerConsole(app: FastifyInstance, options: ConsoleOptions): void {
  const sessions = sessionStore();
  const bundle = consoleBundle(options.stateDir);
  bundle.catch((error: unknown) => options.logger.error({ err: error }, 'the console bundle did not build'));
  // Plain http on 127.0.0.1 in development and tests; a deployment is served over TLS.
  const secureCookies = options.environment === 'production';
  const sso = options.sso
    ? consoleSso(app, {
        config: options.sso,
        authenticate: options.authenticate,
        sessions,
        secureCookies,
        logger: options.logger,
      })
    : null;
  useSessionBearer(app, sessions, sso);
  registerLoginRoutes(app, {
    authenticate: options.authenticate,
    sessions,
    secureCookies,
    sso,
    // Pasting a token is for development and tests; in production only single sign-on signs in.
    tokenPaste: options.environment !== 'production',
  });
  registerConsolePages(app, { bundle, sessions, logger: options.logger });
  const engineOf = servedEngine(options.rules);
  registerConsoleApi(app, {
    authenticate: options.authenticate,
    engine: () => {
      const model = options.supergraph.model();
      return model ? engineOf(model) : undefined;
    },
    products: () => Object.keys(options.supergraph.model()?.subgraphUrls ?? {}),
    descriptors: () => options.supergraph.descriptors(),
    quality: options.quality,
    registry: options.registry,
    checks: schemaChecks({
      root: ROOT,
      governanceFile: join(ROOT, 'schema/governance.yaml'),
      policyDir: options.policyDir,
      lineage: options.lineage,
    }),
  });
}
