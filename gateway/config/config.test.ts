import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { ErrorCode } from '../common/errors.js';

describe('configuration', () => {
  it('has working defaults and is frozen', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      environment: 'development',
      host: '127.0.0.1',
      port: 4000,
      databaseUrl: undefined,
      subgraphUrls: {},
    });
    expect(config.supergraph).toEqual({
      source: 'file',
      path: expect.stringMatching(/schema\/supergraph\.graphql$/),
    });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.subgraphUrls)).toBe(true);
    // The entity cache is on (the benchmark measured it paying), L1 only, 64 MiB.
    expect(config.cache).toMatchObject({ enabled: true, l2: false, maxBytes: 64 * 1024 * 1024 });
    expect(loadConfig({ MESHGATE_CACHE: 'off' }).cache.enabled).toBe(false);
  });

  it('parses SUBGRAPH_URLS and lets CLI flags win over the environment', () => {
    const config = loadConfig(
      {
        PORT: '5000',
        SUBGRAPH_URLS: 'orders=http://orders:4003/graphql, payments=https://pay.example/graphql',
      },
      { port: 6000 },
    );
    expect(config.port).toBe(6000);
    expect(config.subgraphUrls).toEqual({
      orders: 'http://orders:4003/graphql',
      payments: 'https://pay.example/graphql',
    });
  });

  it('names every bad value in one CONFIG_INVALID error', () => {
    expect(() =>
      loadConfig({ PORT: '70000', DATABASE_URL: 'mysql://x', SUBGRAPH_URLS: 'orders' }),
    ).toThrowError(
      expect.objectContaining({
        code: ErrorCode.CONFIG_INVALID,
        message: expect.stringMatching(
          /PORT="70000": must be from 0 to 65535.*SUBGRAPH_URLS="orders": "orders" is not name=.*DATABASE_URL="mysql:\/\/x": must be a postgres/,
        ),
      }),
    );
  });

  it('bounds graceful shutdown: SHUTDOWN_TIMEOUT_MS defaults to 10 s and must be 100 to 600000 ms', () => {
    expect(loadConfig({}).shutdownTimeoutMs).toBe(10_000);
    expect(loadConfig({ SHUTDOWN_TIMEOUT_MS: '2500' }).shutdownTimeoutMs).toBe(2_500);
    for (const bad of ['50', 'soon', '1e9']) {
      expect(() => loadConfig({ SHUTDOWN_TIMEOUT_MS: bad })).toThrowError(
        expect.objectContaining({
          code: ErrorCode.CONFIG_INVALID,
          message: expect.stringContaining(`SHUTDOWN_TIMEOUT_MS="${bad}"`),
        }),
      );
    }
  });

  it('needs SUBGRAPH_URLS to compose from live subgraphs', () => {
    expect(() => loadConfig({}, { introspect: true })).toThrow(/SUBGRAPH_URLS/);
  });
});
