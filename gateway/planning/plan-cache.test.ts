import type { QueryPlan } from '@apollo/query-planner';
import { OperationTypeNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { PlanCache, planBytes, planKey } from './plan-cache.js';

const plan = (operation: string): QueryPlan => ({
  kind: 'QueryPlan',
  node: {
    kind: 'Fetch',
    serviceName: 'catalog',
    variableUsages: [],
    operation,
    operationName: undefined,
    operationKind: OperationTypeNode.QUERY,
  },
});

describe('the plan cache', () => {
  it('holds plans within its byte bound and counts what it evicts', async () => {
    const one = plan(`{ product { ${'name '.repeat(20)}} }`);
    const bytes = planBytes(one);
    const cache = new PlanCache(bytes * 3, () => null, 0);
    for (let i = 0; i < 5; i++) await cache.set(`k${i}`, plan(`{ product { ${'name '.repeat(20)}} }`));
    expect(cache.size).toBe(3);
    expect(cache.bytes).toBe(bytes * 3);
    expect(cache.stats.evictions).toBe(2);
    expect(await cache.get('k0')).toBeUndefined();
    expect(await cache.get('k4')).toEqual(one);
    expect(cache.stats).toMatchObject({ hits: 1, misses: 1, inlinePlans: 1 });
  });

  it("keys plans as @apollo/gateway does and installs a warm-up's plans at the swap", async () => {
    const cache = new PlanCache(1 << 20, () => null, 0);
    const operation = { source: '{ a }', operationName: 'A' };
    cache.stage(
      'sdl-2',
      new Map([[planKey(operation.source, 'A'), { plan: plan('{a}'), operation, hits: 3 }]]),
    );
    cache.swapping('sdl-2');
    cache.clear(); // the gateway swapping sdl-2 in
    expect(cache.stats.warmed).toBe(1);
    expect(await cache.get(planKey('{ a }', 'A'))).toEqual(plan('{a}'));
    expect(cache.hot(10)).toEqual([{ operation, hits: 4 }]);
    cache.clear(); // a swap nothing was warmed for
    expect(cache.size).toBe(0);
  });
});
