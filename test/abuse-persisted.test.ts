import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manifestOf, sha256 } from '../gateway/persisted/index.js';
import type { RunningGateway } from '../gateway/server.js';
import { sharedMesh } from './support/mesh.js';
import { captureLogger, opsGateway, post } from './support/ops.js';

/** Automatic persisted queries with the cache in Redis, and safelist mode over a published manifest. */
const QUERY = '{ customer(id: "7") { name } }';
const HASH = sha256(QUERY);
const prefix = `meshgate:test:apq:${process.pid}:${Date.now()}:`;
const persisted = (hash: string, query?: string) =>
  JSON.stringify({
    ...(query !== undefined && { query }),
    extensions: { persistedQuery: { version: 1, sha256Hash: hash } },
  });
const { logger } = captureLogger();
const dir = mkdtempSync(join(tmpdir(), 'meshgate-safelist-'));
const redis = new Redis('redis://127.0.0.1:6379');
const gateways: RunningGateway[] = [];
let replicaA: RunningGateway;
let replicaB: RunningGateway;
beforeAll(async () => {
  const mesh = await sharedMesh();
  const env = { REDIS_URL: 'redis://127.0.0.1:6379', APQ_PREFIX: prefix, APQ_TTL_SECONDS: '300' };
  replicaA = await opsGateway(mesh, env, logger);
  replicaB = await opsGateway(mesh, env, logger);
  gateways.push(replicaA, replicaB);
});
afterAll(async () => {
  await Promise.all(gateways.map((g) => g.stop()));
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
});

describe('automatic persisted queries, cached in Redis', () => {
  it('asks for an unknown hash, registers it, then serves the hash alone on another replica', async () => {
    const miss = await post(replicaA.url, persisted(HASH));
    expect(miss.status).toBe(200);
    expect(miss.json?.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await post(replicaA.url, persisted(HASH, QUERY))).json).toEqual({
      data: { customer: { name: 'Ken Lovelace' } },
    });
    await expect.poll(() => redis.ttl(`${prefix}apq:${HASH}`)).toBeGreaterThan(250);
    expect(await redis.get(`${prefix}apq:${HASH}`)).toBe(QUERY);
    expect((await post(replicaB.url, persisted(HASH))).json).toEqual({
      data: { customer: { name: 'Ken Lovelace' } },
    });
  });
});

describe('safelist mode', () => {
  let safelisted: RunningGateway;
  const PUBLISHED = 'query Published { customer(id: "7") { name country } }';
  beforeAll(async () => {
    const path = join(dir, 'manifest.json');
    writeFileSync(path, manifestOf([{ name: 'Published', body: PUBLISHED }]));
    safelisted = await opsGateway(
      await sharedMesh(),
      { SAFELIST: 'on', SAFELIST_PATH: path, NODE_ENV: 'production' },
      logger,
    );
    gateways.push(safelisted);
  });

  it('runs a published operation sent by hash alone, or in full', async () => {
    const expected = { data: { customer: { name: 'Ken Lovelace', country: 'AT' } } };
    expect((await post(safelisted.url, persisted(sha256(PUBLISHED)))).json).toEqual(expected);
    expect((await post(safelisted.url, JSON.stringify({ query: PUBLISHED }))).json).toEqual(expected);
  });

  it('refuses any other operation with 400 OPERATION_NOT_IN_SAFELIST, full or registered by APQ', async () => {
    for (const body of [
      JSON.stringify({ query: QUERY }),
      persisted(HASH, QUERY),
      JSON.stringify({ query: '{ __schema { types { name } } }' }),
    ]) {
      const refused = await post(safelisted.url, body);
      expect({ status: refused.status, code: refused.json?.errors?.[0]?.extensions?.code }).toEqual({
        status: 400,
        code: 'OPERATION_NOT_IN_SAFELIST',
      });
    }
    // Not registered either: the hash is still unknown.
    expect((await post(safelisted.url, persisted(HASH))).json?.errors?.[0]?.extensions?.code).toBe(
      'PERSISTED_QUERY_NOT_FOUND',
    );
  });

  it("refuses to start on a manifest whose id is not its body's hash", async () => {
    const path = join(dir, 'tampered.json');
    writeFileSync(
      path,
      JSON.stringify({
        format: 'apollo-persisted-query-manifest',
        version: 1,
        operations: [{ id: 'a'.repeat(64), name: 'X', type: 'query', body: '{ __typename }' }],
      }),
    );
    await expect(
      opsGateway(await sharedMesh(), { SAFELIST: 'on', SAFELIST_PATH: path }, logger),
    ).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('operation "X": id is not the sha256 of its body'),
    });
  });
});
