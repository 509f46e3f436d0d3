import { fileURLToPath } from 'node:url';
import type { KeyObject } from 'node:crypto';
import { contextTokenKey } from '../../gateway/subgraph-fetch/context-token.js';
import { loadConfig, type MeshgateConfig } from '../../gateway/config/config.js';
import { createLogger } from '../../gateway/common/logger.js';
import { startMesh, type RunningMesh } from '../../gateway/cli/mesh.js';
import { pgliteTemplates } from './pglite-templates.js';

/**
 * The end-to-end tests share one started mesh per storage mode: the e2e project's workers
 * run their files without isolation, so this module's cache lives across a worker's files.
 */
const meshes = new Map<string, Promise<RunningMesh>>();

/** A PostgreSQL server for the tests: the machine's, unless TEST_DATABASE_URL says otherwise. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The reference mesh's products, each with its contract. */
const REFERENCE_CONTRACTS = fileURLToPath(new URL('../../subgraphs/', import.meta.url));

export function testConfig(env: Record<string, string> = {}): MeshgateConfig {
  // The e2e tests watch the products live: a product going down, its SLIs, its quality. So their
  // gateways read through no entity cache (on by default), except where a test turns it on
  // (test/entity-cache.test.ts) or asks for the defaults (gateway/config/config.test.ts).
  // Nor do they probe on a timer (on by default): a probe's outcome counts in the origin SLIs,
  // which they count exactly; test/probe-outage.test.ts and product-probe.test.ts probe.
  // Their gateways serve the reference supergraph file, described by the reference products'
  // contracts, as `meshgate distributed` describes it (the platform itself knows no product).
  return loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    HOST: '127.0.0.1',
    MESHGATE_CACHE: 'off',
    MESHGATE_PROBE: 'off',
    CONTRACTS_DIR: REFERENCE_CONTRACTS,
    ...env,
  });
}

/** The key the test gateways sign subgraph context tokens with (the default state directory's). */
export function testContextKey(): KeyObject {
  const config = testConfig();
  return contextTokenKey(config.security.contextToken, config.stateDir);
}

/** The mesh on embedded PGlite (in memory, loaded from the seeded templates), started once. */
export function sharedMesh(): Promise<RunningMesh> {
  return memo('pglite', () =>
    startMesh(testConfig(), createLogger('silent'), {
      ports: 'free',
      persistent: false,
      templates: pgliteTemplates(),
    }),
  );
}

/** The same mesh on the real PostgreSQL server, started once. */
export function sharedPostgresMesh(): Promise<RunningMesh> {
  return memo('postgres', () =>
    startMesh(testConfig({ DATABASE_URL: TEST_DATABASE_URL }), createLogger('silent'), {
      ports: 'free',
      persistent: false,
    }),
  );
}

function memo(key: string, start: () => Promise<RunningMesh>): Promise<RunningMesh> {
  let mesh = meshes.get(key);
  if (!mesh) {
    mesh = start();
    meshes.set(key, mesh);
  }
  return mesh;
}

export interface GraphQLResponse<Data = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: {
    data?: Data | null;
    errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
    extensions?: Record<string, unknown>;
  };
}

/** POSTs a GraphQL operation and returns the status and the parsed body. */
export async function graphql<Data = Record<string, unknown>>(
  url: string,
  query: string,
  options: { variables?: Record<string, unknown>; headers?: Record<string, string> } = {},
): Promise<GraphQLResponse<Data>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify({ query, variables: options.variables }),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as GraphQLResponse<Data>['body'],
  };
}
