import { afterEach, describe, expect, it } from 'vitest';
import { composeSupergraph } from '../../schema/compose.js';
import { PlannerWorker } from './planner-worker.js';

/** A supergraph of `n` subgraphs, each adding `extra` fields to a shared entity. */
function supergraph(n: number, extra = ''): string {
  const result = composeSupergraph(
    Array.from({ length: n }, (_, i) => ({
      name: `s${i}`,
      url: `http://127.0.0.1:9/s${i}`,
      sdl: `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key", "@shareable"])
type Query { t${i}: T }
type T @key(fields: "id") { id: ID! f${i}: Int ${i === 0 ? extra : ''} }`,
    })),
  );
  if (!result.ok) throw new Error(result.errors[0]?.message);
  return result.supergraphSdl;
}

const workers: PlannerWorker[] = [];
afterEach(async () => {
  for (const w of workers.splice(0)) await w.close();
});

/** A worker serving v1 of an `n`-subgraph supergraph, v2 (one field more) to stage, and its thread count. */
async function serving(n: number) {
  const counted = { threads: 0 };
  const worker = new PlannerWorker({}, () => (counted.threads += 1));
  workers.push(worker);
  const v1 = supergraph(n);
  const v2 = supergraph(n, 'g: Int');
  await worker.load(v1);
  return { worker, v1, v2, counted };
}

describe('the planner worker', () => {
  it('warms the next supergraph beside the one in service, in one thread, its requests first', async () => {
    const { worker, v1, v2, counted } = await serving(30);
    expect((await worker.plan('{ t0 { id f1 } }', null, 5_000)).plan.kind).toBe('QueryPlan');

    // The warm-up stages v2 and queues its plans; a request's cold plan on v1 comes after them
    // and is answered before any of them.
    const order: string[] = [];
    const staged = worker.stage(v2).then(() => order.push('v2 loaded'));
    const warm = [1, 2, 3].map((i) =>
      worker.planStaged(`{ t0 { g f${i} } }`, null, 5_000).then(() => order.push(`warm ${i}`)),
    );
    const cold = worker.plan('{ t2 { f3 } }', null, 5_000).then(() => order.push('cold on v1'));
    await Promise.all([staged, ...warm, cold]);
    expect(order).toEqual(['v2 loaded', 'cold on v1', 'warm 1', 'warm 2', 'warm 3']);
    // v1 does not know `g`: only the staged v2 plans it.
    await expect(worker.plan('{ t0 { g } }', null, 5_000)).rejects.toThrow(/g/);

    expect(worker.activate(v1)).toBe(false); // not the staged one
    expect(worker.activate(v2)).toBe(true);
    expect(worker.supergraphSdl).toBe(v2);
    expect((await worker.plan('{ t0 { g } }', null, 5_000)).plan.kind).toBe('QueryPlan');
    // v1's planner is dropped: staging nothing and planning on the staged slot finds no supergraph.
    await expect(worker.planStaged('{ t0 { id } }', null, 5_000)).rejects.toThrow(/no supergraph loaded/);
    expect(counted.threads).toBe(1);
  });

  it('after a deadline stops a plan, a fresh thread reloads both supergraphs', async () => {
    const { worker, v2, counted } = await serving(4);
    await worker.stage(v2);
    // 400 aliases take far longer to plan than 1 ms: the deadline stops the thread.
    const heavy = `{ ${Array.from({ length: 400 }, (_, k) => `a${k}: t${k % 4} { id f0 f1 f2 f3 }`).join(' ')} }`;
    await expect(worker.plan(heavy, null, 1)).rejects.toThrow(/longer than 1 ms/);
    expect((await worker.plan('{ t1 { f1 } }', null, 5_000)).plan.kind).toBe('QueryPlan');
    expect((await worker.planStaged('{ t0 { g } }', null, 5_000)).plan.kind).toBe('QueryPlan');
    expect(counted.threads).toBe(2);
  });
});
