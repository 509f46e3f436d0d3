import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { QueryPlan } from '@apollo/query-planner';

/**
 * The worker's own code. A string evaluated as CommonJS, not a module file beside this one:
 * the same source then runs under tsx, vitest and the compiled dist/ with no loader in the
 * worker, and @apollo/query-planner (CommonJS) is required by the absolute paths this module
 * resolves. It builds the supergraph's planner once per `load` and answers `plan` messages one
 * at a time; a plan that runs past its deadline is stopped by terminating the worker.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { Supergraph, operationFromDocument } = require(workerData.federationInternals);
const { QueryPlanner } = require(workerData.queryPlanner);
const { parse } = require(workerData.graphql);
let planning = null;
parentPort.on('message', (message) => {
  try {
    if (message.type === 'load') {
      const supergraph = Supergraph.build(message.sdl);
      planning = { apiSchema: supergraph.apiSchema(), planner: new QueryPlanner(supergraph, message.config) };
      parentPort.postMessage({ id: message.id, ok: true });
    } else if (message.type === 'plan') {
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
 * One worker thread holding one supergraph's query planner. Jobs run one at a time, in order:
 * the worker is busy with at most one, so a deadline can stop exactly that one (terminate),
 * after which a fresh worker reloads the supergraph and the queue goes on.
 */
export class PlannerWorker {
  private worker: Worker | null = null;
  private readonly queue: Job[] = [];
  private running: Job | null = null;
  private nextId = 1;
  private sdl: string | null = null;
  private closed = false;
  private retiring = false;

  constructor(private readonly plannerConfig: Record<string, unknown> = {}) {}

  /** The supergraph this worker plans on, once `load` resolved. */
  get supergraphSdl(): string | null {
    return this.sdl;
  }

  /** Builds the planner of `sdl` (the next jobs plan on it). */
  async load(sdl: string): Promise<void> {
    this.sdl = sdl;
    await this.submit({ type: 'load', sdl, config: this.plannerConfig }, null);
  }

  /** The plan of `source`, or PlanningTimeout past `timeoutMs`, or PlanningFailed. */
  async plan(
    source: string,
    operationName: string | null,
    timeoutMs: number,
  ): Promise<{ plan: QueryPlan; ms: number }> {
    const { plan, ms } = await this.submit(
      {
        type: 'plan',
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

  /** Closes once the jobs it has are done (a swap's old planner: its in-flight plans still answer). */
  retire(): void {
    this.retiring = true;
    if (!this.running && this.queue.length === 0) void this.close();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('the planner worker is closed'));
    this.running?.reject(new Error('the planner worker is closed'));
    this.running = null;
    await this.worker?.terminate();
    this.worker = null;
  }

  private submit(message: Record<string, unknown>, deadlineMs: number | null) {
    if (this.closed) return Promise.reject(new Error('the planner worker is closed'));
    return new Promise<{ plan?: QueryPlan | undefined; ms?: number | undefined }>((resolve, reject) => {
      this.queue.push({ id: this.nextId++, message, deadlineMs, resolve, reject });
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
      // The fresh worker must plan on the supergraph the old one had.
      if (this.sdl !== null && !this.queue.some((j) => j.message.type === 'load')) {
        this.queue.unshift(this.loadJob(this.sdl));
      }
      this.pump();
      return;
    }
    const at = this.queue.indexOf(job);
    if (at >= 0) this.queue.splice(at, 1);
    job.reject(timeout);
  }

  private loadJob(sdl: string): Job {
    return {
      id: this.nextId++,
      message: { type: 'load', sdl, config: this.plannerConfig },
      deadlineMs: null,
      resolve: () => undefined,
      reject: () => undefined,
    };
  }

  private pump(): void {
    if (this.running || this.closed) return;
    const job = this.queue.shift();
    if (!job) {
      if (this.retiring) void this.close();
      return;
    }
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
      if (this.sdl !== null) this.queue.unshift(this.loadJob(this.sdl));
      this.pump();
    });
    this.worker = worker;
    return worker;
  }
}
