import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { QueryPlan } from '@apollo/query-planner';

/**
 * The worker's own code. A string evaluated as CommonJS, not a module file beside this one:
 * the same source then runs under tsx, vitest and the compiled dist/ with no loader in the
 * worker, and @apollo/query-planner (CommonJS) is required by the absolute paths this module
 * resolves. It holds up to two supergraphs' planners (slots 0 and 1: the one in service and
 * the next one being warmed), builds one per `load` and answers `plan` messages one at a time;
 * a plan that runs past its deadline is stopped by terminating the worker.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { Supergraph, operationFromDocument } = require(workerData.federationInternals);
const { QueryPlanner } = require(workerData.queryPlanner);
const { parse } = require(workerData.graphql);
const planners = [null, null];
parentPort.on('message', (message) => {
  try {
    if (message.type === 'load') {
      planners[message.slot] = null;
      const supergraph = Supergraph.build(message.sdl);
      planners[message.slot] = { apiSchema: supergraph.apiSchema(), planner: new QueryPlanner(supergraph, message.config) };
      parentPort.postMessage({ id: message.id, ok: true });
    } else if (message.type === 'unload') {
      planners[message.slot] = null;
      parentPort.postMessage({ id: message.id, ok: true });
    } else if (message.type === 'plan') {
      const planning = planners[message.slot];
      if (!planning) throw new Error('no supergraph loaded');
      const started = performance.now();
      const operation = operationFromDocument(planning.apiSchema, parse(message.source), {
        operationName: message.operationName ?? undefined,
      });
      const plan = planning.planner.buildQueryPlan(operation, {
        recursiveSelectionsLimitDisabled: message.recursiveSelectionsLimitDisabled,
        nonLocalSelectionsLimitDisabled: message.nonLocalSelectionsLimitDisabled,
      });
      parentPort.postMessage({ id: message.id, plan, ms: performance.now() - started });
    }
  } catch (error) {
    parentPort.postMessage({ id: message.id, error: error instanceof Error ? error.message : String(error) });
  }
});
`;

const resolve = createRequire(import.meta.url).resolve;

/** Raised when a plan runs past its deadline; the worker was stopped and restarts on its own. */
export class PlanningTimeout extends Error {
  constructor(readonly timeoutMs: number) {
    super(`query planning took longer than ${timeoutMs} ms`);
  }
}

/** Raised for an operation the planner refuses (the gateway would have thrown the same). */
export class PlanningFailed extends Error {}

type Slot = 0 | 1;

interface Job {
  readonly id: number;
  readonly message: Record<string, unknown>;
  readonly deadlineMs: number | null;
  resolve(value: { plan?: QueryPlan | undefined; ms?: number | undefined }): void;
  reject(error: Error): void;
  timer?: NodeJS.Timeout;
}

type Reply = { id: number; ok?: true; plan?: QueryPlan; ms?: number; error?: string };

/**
 * One worker thread holding the query planner of the supergraph in service and, during a
 * reload's warm-up, of the next one. The warm-up plans in the same thread, not a second one:
 * a fresh thread per reload loaded the federation modules again and planned with a cold JIT,
 * and on two cores that work, beside the traffic, made a warmed reload slower than a cold one
 * (bench:scale, N=100: p99 after a reload 3.8x steady with warm-up, 1.4x without).
 *
 * Jobs run one at a time: the worker is busy with at most one, so a deadline can stop exactly
 * that one (terminate), after which a fresh worker reloads its supergraphs and the queue goes
 * on. The in-service supergraph's jobs (a request's cold plan) go ahead of the warm-up's, so a
 * request waits for at most the one job running.
 */
export class PlannerWorker {
  private worker: Worker | null = null;
  /** The service's jobs, then the warm-up's: each queue in order. */
  private readonly queues: Record<'service' | 'warmup', Job[]> = { service: [], warmup: [] };
  private running: Job | null = null;
  private nextId = 1;
  private readonly sdls: [string | null, string | null] = [null, null];
  private active: Slot = 0;
  private closed = false;

  constructor(
    private readonly plannerConfig: Record<string, unknown> = {},
    /** Told of every thread started: the first, and each after a deadline terminated one. */
    private readonly onThreadStart: () => void = () => undefined,
  ) {}

  /** The supergraph in service here, once `load` resolved. */
  get supergraphSdl(): string | null {
    return this.sdls[this.active];
  }

  /** Builds the planner of `sdl` in service (the next cold plans plan on it). */
  async load(sdl: string): Promise<void> {
    this.sdls[this.active] = sdl;
    await this.submit('service', this.loadMessage(this.active, sdl), null);
  }

  /** Builds the planner of the next supergraph beside the one in service, for `planStaged`. */
  async stage(sdl: string): Promise<void> {
    const slot = this.other();
    this.sdls[slot] = sdl;
    await this.submit('warmup', this.loadMessage(slot, sdl), null);
  }

  /** Puts the staged supergraph in service, and drops the old one's planner after its jobs. */
  activate(sdl: string): boolean {
    const slot = this.other();
    if (this.sdls[slot] !== sdl) return false;
    const old = this.active;
    this.active = slot;
    this.sdls[old] = null;
    void this.submit('warmup', { type: 'unload', slot: old }, null).catch(() => undefined);
    return true;
  }

  /** The plan of `source` on the supergraph in service, or PlanningTimeout past `timeoutMs`, or PlanningFailed. */
  plan(source: string, operationName: string | null, timeoutMs: number) {
    return this.planOn('service', this.active, source, operationName, timeoutMs);
  }

  /** The same on the staged supergraph, behind every job of the one in service. */
  planStaged(source: string, operationName: string | null, timeoutMs: number) {
    return this.planOn('warmup', this.other(), source, operationName, timeoutMs);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of [...this.queues.service.splice(0), ...this.queues.warmup.splice(0)])
      job.reject(new Error('the planner worker is closed'));
    this.running?.reject(new Error('the planner worker is closed'));
    this.running = null;
    await this.worker?.terminate();
    this.worker = null;
  }

  private other(): Slot {
    return this.active === 0 ? 1 : 0;
  }

  private loadMessage(slot: Slot, sdl: string): Record<string, unknown> {
    return { type: 'load', slot, sdl, config: this.plannerConfig };
  }

  private async planOn(
    queue: 'service' | 'warmup',
    slot: Slot,
    source: string,
    operationName: string | null,
    timeoutMs: number,
  ): Promise<{ plan: QueryPlan; ms: number }> {
    const { plan, ms } = await this.submit(
      queue,
      {
        type: 'plan',
        slot,
        source,
        operationName,
        recursiveSelectionsLimitDisabled:
          process.env.APOLLO_DISABLE_SECURITY_RECURSIVE_SELECTIONS_CHECK === 'true',
        nonLocalSelectionsLimitDisabled:
          process.env.APOLLO_DISABLE_SECURITY_NON_LOCAL_SELECTIONS_CHECK === 'true',
      },
      timeoutMs,
    );
    if (!plan) throw new PlanningFailed('the planner returned no plan');
    return { plan, ms: ms ?? 0 };
  }

  private submit(queue: 'service' | 'warmup', message: Record<string, unknown>, deadlineMs: number | null) {
    if (this.closed) return Promise.reject(new Error('the planner worker is closed'));
    return new Promise<{ plan?: QueryPlan | undefined; ms?: number | undefined }>((resolve, reject) => {
      this.queues[queue].push({ id: this.nextId++, message, deadlineMs, resolve, reject });
      this.pump();
    });
  }

  private expire(job: Job): void {
    const timeout = new PlanningTimeout(job.deadlineMs ?? 0);
    if (this.running === job) {
      // Planning is synchronous inside the worker: only terminating it stops the plan.
      this.running = null;
      const worker = this.worker;
      this.worker = null;
      void worker?.terminate();
      job.reject(timeout);
      this.reloadSlots();
      this.pump();
      return;
    }
    for (const queue of Object.values(this.queues)) {
      const at = queue.indexOf(job);
      if (at >= 0) queue.splice(at, 1);
    }
    job.reject(timeout);
  }

  /** A fresh thread plans on the supergraphs the old one had: their loads go first. */
  private reloadSlots(): void {
    for (const slot of [0, 1] as const) {
      const sdl = this.sdls[slot];
      const queued = [...this.queues.service, ...this.queues.warmup].some(
        (j) => j.message.type === 'load' && j.message.slot === slot,
      );
      if (sdl !== null && !queued)
        this.queues.service.unshift({
          id: this.nextId++,
          message: this.loadMessage(slot, sdl),
          deadlineMs: null,
          resolve: () => undefined,
          reject: () => undefined,
        });
    }
  }

  private pump(): void {
    if (this.running || this.closed) return;
    const job = this.queues.service.shift() ?? this.queues.warmup.shift();
    if (!job) return;
    this.running = job;
    // The deadline is the plan's own time: from when the worker takes it, not the queue before it
    // (each plan ahead is bounded too; a supergraph's load is not a plan).
    if (job.deadlineMs !== null) {
      job.timer = setTimeout(() => this.expire(job), job.deadlineMs);
      job.timer.unref();
    }
    this.spawned().postMessage({ ...job.message, id: job.id });
  }

  private spawned(): Worker {
    if (this.worker) return this.worker;
    this.onThreadStart();
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        federationInternals: resolve('@apollo/federation-internals'),
        queryPlanner: resolve('@apollo/query-planner'),
        graphql: resolve('graphql'),
      },
    });
    worker.unref();
    worker.on('message', (reply: Reply) => {
      const job = this.running;
      if (!job || job.id !== reply.id) return; // a reply to a job already expired
      this.running = null;
      clearTimeout(job.timer);
      if (reply.error !== undefined) job.reject(new PlanningFailed(reply.error));
      else job.resolve({ plan: reply.plan, ms: reply.ms });
      this.pump();
    });
    worker.on('error', (error) => {
      if (this.worker !== worker) return;
      this.worker = null;
      const job = this.running;
      this.running = null;
      if (job) {
        clearTimeout(job.timer);
        job.reject(error);
      }
      this.reloadSlots();
      this.pump();
    });
    this.worker = worker;
    return worker;
  }
}
