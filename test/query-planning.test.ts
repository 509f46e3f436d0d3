import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeServices } from '@apollo/composition';
import { operationFromDocument, Supergraph } from '@apollo/federation-internals';
import { QueryPlanner } from '@apollo/query-planner';
import { parse } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../gateway/common/logger.js';
import { startGateway, type RunningGateway } from '../gateway/server.js';
import { publishSubgraph } from '../schema/registry/publish.js';
import { directoryRegistry } from '../schema/registry/directory-registry.js';
import { graphql, testConfig } from './support/mesh.js';

/**
 * Bounded planning (issue 30) on a supergraph built to plan slowly: K subgraphs that all
 * resolve the same @shareable entity chain, so every level of a deep selection has K ways to
 * be fetched. Its subgraphs are never started: planning, not execution, is what is measured.
 */
const K = 16;
const subgraphSdl = (i: number, extra = '') => `
extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])
type Query { t: T @shareable }
type T @key(fields: "id") { id: ID! next: T @shareable a${i}: Int v: Int @shareable ${extra} }
`;
const own = Array.from({ length: K }, (_, i) => `a${i}`).join(' ');
/** 16 levels of K options each; its planning time is measured below. */
const DEEP = Array.from({ length: 16 }).reduce<string>((inner) => `next { ${inner} } ${own}`, `${own} v`);
/** The deep selection under eight aliases: eight times the planning. */
const SLOW = `{ ${Array.from({ length: 8 }, (_, k) => `t${k}: t { ${DEEP} }`).join(' ')} }`;
const HOT = 'query Hot { t { v a0 } }';

const dirs: string[] = [];
const gateways: RunningGateway[] = [];
afterAll(async () => {
  for (const gateway of gateways) await gateway.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A scratch directory with an empty policy directory (the example's policies name its types). */
function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'meshgate-planning-'));
  mkdirSync(join(dir, 'policies'));
  dirs.push(dir);
  return dir;
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(url.replace('/graphql', '/metrics'))).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : NaN;
}

async function until(condition: () => Promise<boolean>, deadlineMs: number): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('bounded query planning', () => {
  it('answers QUERY_PLANNING_TIMEOUT past the deadline while other requests are answered', async () => {
    const dir = scratch();
    const composed = composeServices(
      Array.from({ length: K }, (_, i) => ({
        name: `s${i}`,
        url: `http://127.0.0.1:9/s${i}`,
        typeDefs: parse(subgraphSdl(i)),
      })),
    );
    expect(composed.errors).toBeUndefined();
    // What the operation costs @apollo/gateway's planner on the event loop, as stock plans it.
    const supergraph = Supergraph.build(composed.supergraphSdl ?? '');
    const planner = new QueryPlanner(supergraph);
    const t0 = performance.now();
    planner.buildQueryPlan(operationFromDocument(supergraph.apiSchema(), parse(SLOW)));
    const inProcessMs = performance.now() - t0;
    console.log(
      `the slow operation plans in ${inProcessMs.toFixed(0)} ms in process (stock blocks its loop that long)`,
    );
    expect(inProcessMs).toBeGreaterThan(450);
    writeFileSync(join(dir, 'supergraph.graphql'), composed.supergraphSdl ?? '');
    const gateway = await startGateway(
      testConfig({
        PORT: '0',
        SUPERGRAPH_PATH: join(dir, 'supergraph.graphql'),
        MESHGATE_LINEAGE: 'off',
        POLICY_DIR: join(dir, 'policies'),
        QUERY_PLANNING_TIMEOUT_MS: '150',
        // The slow operation is deep and wide on purpose: the limits would refuse it before planning.
        MAX_DEPTH: '40',
        MAX_COST: '10000000',
      }),
      createLogger('silent'),
    );
    gateways.push(gateway);
    // Planned once, then cached: the "other request" below is answered from the cache.
    expect(await graphql(gateway.url, '{ __typename }')).toMatchObject({
      status: 200,
      body: { data: { __typename: 'Query' } },
    });

    const started = performance.now();
    const slow = graphql(gateway.url, SLOW).then((r) => ({ ...r, ms: performance.now() - started }));
    // While the slow operation plans, the event loop is free: /health and a GraphQL request answer.
    const other: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      const health = await fetch(gateway.url.replace('/graphql', '/health'));
      expect(health.status).toBe(200);
      expect(await graphql(gateway.url, '{ __typename }')).toMatchObject({
        body: { data: { __typename: 'Query' } },
      });
      other.push(performance.now() - t);
    }
    const answered = await slow;
    console.log(
      `slow operation: ${answered.status} ${JSON.stringify(answered.body.errors?.[0]?.extensions?.code)} after ${answered.ms.toFixed(0)} ms;` +
        ` other requests meanwhile: ${other.map((ms) => ms.toFixed(0)).join(', ')} ms`,
    );
    expect(answered.status).toBe(400);
    expect(answered.body.errors?.[0]?.extensions?.code).toBe('QUERY_PLANNING_TIMEOUT');
    expect(answered.ms).toBeLessThan(3_000);
    // Planned on the loop, the slow operation would hold the first of them for all of its planning
    // time (inProcessMs, measured above on this machine under the same load).
    expect(Math.max(...other)).toBeLessThan(Math.max(250, inProcessMs / 2));
    expect(await metric(gateway.url, 'meshgate_query_planning_timeouts_total')).toBe(1);
    // The worker restarted on the same supergraph: a cold operation plans (its fetch fails: no subgraphs).
    // A fresh worker's first plans run on a cold JIT: on a loaded machine one can pass the short
    // deadline too (and restart the worker again), so a few distinct cold operations may be tried.
    const cold = [
      '{ t { v } }',
      '{ t { v __typename } }',
      '{ __typename t { v } }',
      '{ t { __typename v } }',
    ];
    let planned = false;
    for (const query of cold) {
      const after = await graphql(gateway.url, query);
      if (after.body.errors?.[0]?.extensions?.code !== 'QUERY_PLANNING_TIMEOUT') {
        planned = true;
        break;
      }
    }
    expect(planned).toBe(true);
    expect(await metric(gateway.url, 'meshgate_query_plans_worker_total')).toBeGreaterThanOrEqual(2);
    expect(await metric(gateway.url, 'meshgate_query_plans_inline_total')).toBe(0);
  }, 60_000);

  it('plans the hot operations of a reloaded supergraph before it takes traffic', async () => {
    const dir = scratch();
    const registry = directoryRegistry(join(dir, 'registry'), 100);
    const publish = (i: number, extra = '') =>
      publishSubgraph(registry, {
        name: `s${i}`,
        url: `http://127.0.0.1:9/s${i}`,
        sdl: subgraphSdl(i, extra),
        descriptor: null,
        publishedBy: 'test',
      });
    try {
      for (let i = 0; i < 4; i++) expect(await publish(i)).toMatchObject({ published: true });
      const gateway = await startGateway(
        testConfig({
          PORT: '0',
          SUPERGRAPH_SOURCE: 'registry',
          REGISTRY_DIR: join(dir, 'registry'),
          REGISTRY_POLL_MS: '100',
          MESHGATE_LINEAGE: 'off',
          POLICY_DIR: join(dir, 'policies'),
          QUERY_PLANNING_TIMEOUT_MS: '5000',
        }),
        createLogger('silent'),
      );
      gateways.push(gateway);
      const ready = async () =>
        (
          (await (await fetch(gateway.url.replace('/graphql', '/ready'))).json()) as {
            supergraph: { version: number };
          }
        ).supergraph.version;
      const version = await ready();
      for (let i = 0; i < 3; i++) await graphql(gateway.url, HOT);
      expect(await metric(gateway.url, 'meshgate_query_plans_worker_total')).toBe(1);

      expect(await publish(0, 'b: Int')).toMatchObject({ published: true });
      await until(async () => (await ready()) > version, 15_000);
      await until(async () => (await metric(gateway.url, 'meshgate_query_plans_warmed_total')) >= 1, 15_000);
      const hitsBefore = await metric(gateway.url, 'meshgate_query_plan_cache_hits_total');
      await graphql(gateway.url, HOT);
      // Served from the plan the warm-up built: no cold plan after the reload.
      expect(await metric(gateway.url, 'meshgate_query_plans_worker_total')).toBe(1);
      expect(await metric(gateway.url, 'meshgate_query_plans_inline_total')).toBe(0);
      expect(await metric(gateway.url, 'meshgate_query_plan_cache_hits_total')).toBe(hitsBefore + 1);
      // The new supergraph is the one serving: its new field validates.
      const added = await graphql(gateway.url, '{ t { b } }');
      expect(added.body.errors?.[0]?.extensions?.code).not.toBe('GRAPHQL_VALIDATION_FAILED');
      // Two more reloads, each warmed beside the supergraph in service in the one planner thread.
      for (const [n, field] of [
        [2, 'c: Int'],
        [3, 'd: Int'],
      ] as const) {
        expect(await publish(0, `b: Int ${field}`)).toMatchObject({ published: true });
        await until(
          async () => (await metric(gateway.url, 'meshgate_query_plans_warmed_total')) >= n,
          15_000,
        );
        await until(
          async () =>
            (await graphql(gateway.url, `{ t { ${field.split(':')[0]} } }`)).body.errors?.[0]?.extensions
              ?.code !== 'GRAPHQL_VALIDATION_FAILED',
          15_000,
        );
      }
      // Each probe of a new field above planned cold once; the hot operation never again.
      const coldBefore = await metric(gateway.url, 'meshgate_query_plans_worker_total');
      await graphql(gateway.url, HOT);
      expect(await metric(gateway.url, 'meshgate_query_plans_worker_total')).toBe(coldBefore);
      const threads = await metric(gateway.url, 'meshgate_query_planner_threads_started_total');
      console.log(
        `three warmed reloads: ${await metric(gateway.url, 'meshgate_query_plans_warmed_total')} plans warmed, ${threads} planner threads started, cold plans ${await metric(gateway.url, 'meshgate_query_plans_worker_total')}`,
      );
      expect(threads).toBe(1);
    } finally {
      await registry.close();
    }
  }, 60_000);
});
