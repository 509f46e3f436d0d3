import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { dataProducts } from '../../subgraphs/index.js';
import { createAuthenticate } from '../auth/authenticate.js';
import { issueToken } from '../auth/token-issuer.js';
import { createLogger } from '../common/logger.js';
import { loadConfig } from '../config/config.js';
import { openQualityStore } from './open-quality-store.js';
import { registerQualityRoutes } from './quality-admin.js';
import { startQualitySchedule } from './quality-schedule.js';

const stateDir = mkdtempSync(join(tmpdir(), 'meshgate-quality-admin-'));
afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

/** A loopback port nothing listens on: a Redis that is away. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the quality admin routes', () => {
  it('answer 503 QUALITY_UNAVAILABLE with the reason when the run cannot be recorded', async () => {
    const config = loadConfig({
      MESHGATE_STATE_DIR: stateDir,
      REDIS_URL: `redis://127.0.0.1:${await closedPort()}`,
    });
    const quality = openQualityStore(config.quality);
    const orders = dataProducts.find((p) => p.name === 'orders')!.descriptor;
    const schedule = startQualitySchedule({
      targets: [{ descriptor: orders, notMeasured: 'no database in this test' }],
      store: quality.store,
      config: { ...config.quality, intervalMs: 3_600_000, freshnessIntervalMs: 3_600_000 },
      logger: createLogger('silent'),
    });
    const app = Fastify();
    const { auth } = config.security;
    registerQualityRoutes(app, {
      authenticate: createAuthenticate({ auth, stateDir }),
      schedule,
      store: quality.store,
    });
    try {
      const token = issueToken(auth, stateDir, { sub: 'sam', roles: ['data-steward'], ttlSeconds: 60 });
      const response = await app.inject({
        method: 'POST',
        url: '/admin/quality/run',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        payload: {},
      });
      expect(response.statusCode).toBe(503);
      const body = response.json() as { error: { code: string; message: string } };
      expect(body.error.code).toBe('QUALITY_UNAVAILABLE');
      expect(body.error.message).toMatch(/^the run failed: /);
    } finally {
      await app.close();
      await schedule.stop();
      await quality.close();
    }
  });
});
