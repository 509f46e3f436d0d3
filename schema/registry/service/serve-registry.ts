import Fastify from 'fastify';
import { createAuthenticate } from '../../../gateway/auth/index.js';
import type { MeshgateConfig } from '../../../gateway/config/config.js';
import { listen } from '../../../gateway/common/listen.js';
import type { Logger } from '../../../gateway/common/logger.js';
import { Resources } from '../../../gateway/pipeline/index.js';
import { openRegistryService } from './open-registry-service.js';
import { REGISTRY_API, registerRegistryRoutes } from './registry-routes.js';

export interface RunningRegistry {
  /** The API's base: `http://host:port` (the routes are under /registry/v1). */
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/**
 * `meshgate registry serve`: the registry as its own process, the only one that holds the
 * store's credentials (REDIS_URL). Teams publish over HTTP with their own tokens, verified as
 * the gateway verifies them; gateways read the store as before (pub/sub and polling).
 * `/health` answers while the process runs, whether or not the store does.
 */
export async function startRegistryServer(
  config: MeshgateConfig,
  logger: Logger,
  options: { port?: number | undefined } = {},
): Promise<RunningRegistry> {
  const resources = new Resources();
  try {
    const authenticate = resources.open(
      createAuthenticate({ auth: config.security.auth, stateDir: config.stateDir }),
      (a) => a.close(),
    );
    const service = resources.open(openRegistryService(config), (s) => s.close());
    const app = Fastify({ logger: false, bodyLimit: 8 * 1024 * 1024 });
    resources.defer(() => app.close());
    app.get('/health', async () => ({ status: 'ok' }));
    registerRegistryRoutes(app, authenticate, service);
    const port = await listen(app, options.port ?? config.registry.port, config.host, 'registry');
    const url = `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`;
    logger.info(
      { url: `${url}${REGISTRY_API}`, store: config.registry.redis?.describe ?? config.registry.dir },
      'registry ready',
    );
    return { url, port, stop: () => resources.close() };
  } catch (error) {
    await resources.close().catch(() => undefined);
    throw error;
  }
}
