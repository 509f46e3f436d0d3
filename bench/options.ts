import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { z } from 'zod';
import type { ContenderId, Workload } from './types.js';
import { WORKLOAD_IDS } from './workloads.js';
import { MESHGATE_BIN } from './subgraph-mesh.js';

/**
 * `npm run bench [-- flags]`. Each flag falls back to a BENCH_* environment variable, then to
 * the default; `--quick` shortens every cell to a smoke run of a few seconds.
 */
export interface BenchOptions {
  durationSeconds: number;
  warmupSeconds: number;
  connections: number;
  quick: boolean;
  contenders: ContenderId[];
  workloads: Workload['id'][];
  /** Workloads also measured at one connection (contenders a, b, c): the latency-overhead target. */
  latencyWorkloads: Workload['id'][];
  /** Alternating rounds of b and c per overhead cell (0: the overhead is read off the sweep). */
  overheadRounds: number;
  /** Measured seconds per round (after a warm-up of a fifth of it, at least 1 s). */
  overheadSeconds: number;
  /** Which paired overheads run: policies+lineage (b vs c), SLIs, tracing, row filters. */
  overheads: OverheadId[];
  profile: boolean;
  /** Workloads the profiles run (default heavy). */
  profileWorkloads: Workload['id'][];
  /** Events `bench/lineage-bench.ts` writes for the lineage writer target. */
  lineageEvents: number;
  label: string | null;
  outDir: string;
  databaseUrl: string;
  redisUrl: string;
  tokenRoles: string;
  /** Another checkout of meshgate whose c is paired with this checkout's c: a speed change's before/after. */
  baseline: string | null;
}

export const OVERHEAD_IDS = ['policy', 'sli', 'tracing', 'filters', 'noise', 'baseline'] as const;
export type OverheadId = (typeof OVERHEAD_IDS)[number];

const FULL = { duration: 15, warmup: 5, overheadRounds: 10, overheadSeconds: 4 };
const QUICK = { duration: 3, warmup: 1, overheadRounds: 1, overheadSeconds: 2 };

const list = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .string()
    .transform((text) =>
      text
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values)));

const Schema = z.object({
  duration: z.coerce.number().positive().optional(),
  warmup: z.coerce.number().min(0).optional(),
  connections: z.coerce.number().int().positive().default(32),
  quick: z.boolean().default(false),
  contenders: list(['a', 'b', 'c', 'd', 'e', 'f']).default(['a', 'b', 'c', 'd', 'e', 'f']),
  workloads: list(WORKLOAD_IDS).default([...WORKLOAD_IDS]),
  latencyWorkloads: list(WORKLOAD_IDS).default(['varied-order', 'single', 'cross']),
  profile: z.boolean().default(false),
  profileWorkloads: list(WORKLOAD_IDS).default(['varied-order']),
  overheadRounds: z.coerce.number().int().min(0).optional(),
  overheadSeconds: z.coerce.number().positive().optional(),
  overheads: list(OVERHEAD_IDS).default([...OVERHEAD_IDS]),
  lineageEvents: z.coerce.number().int().positive().optional(),
  label: z
    .string()
    .regex(/^[\w.-]+$/, 'letters, digits, ".", "_" and "-" only')
    .nullable()
    .default(null),
  out: z.string().min(1).default('bench/results'),
  databaseUrl: z
    .string()
    .regex(/^postgres(ql)?:\/\//)
    .default('postgres://postgres@127.0.0.1:5432/test'),
  redisUrl: z
    .string()
    .regex(/^rediss?:\/\//)
    .default('redis://127.0.0.1:6379'),
  tokenRoles: z.string().min(1).default('data-steward'),
  baseline: z
    .string()
    .min(1)
    .refine((dir) => existsSync(join(dir, MESHGATE_BIN)), {
      message: `not a meshgate checkout (no ${MESHGATE_BIN} there)`,
    })
    .nullable()
    .default(null),
});

export function parseOptions(argv: readonly string[]): BenchOptions {
  const program = new Command('bench')
    .description('meshgate against stock @apollo/gateway, Hive Gateway and the direct subgraph')
    .addOption(new Option('--quick', 'a few seconds per cell: a smoke run').env('BENCH_QUICK'))
    .addOption(
      new Option(
        '--duration <seconds>',
        `measured seconds per cell (default ${FULL.duration}, quick ${QUICK.duration})`,
      ).env('BENCH_DURATION'),
    )
    .addOption(
      new Option(
        '--warmup <seconds>',
        `warm-up seconds per cell (default ${FULL.warmup}, quick ${QUICK.warmup})`,
      ).env('BENCH_WARMUP'),
    )
    .addOption(
      new Option('--connections <n>', 'concurrent connections (default 32)').env('BENCH_CONNECTIONS'),
    )
    .addOption(new Option('--contenders <list>', 'which of a,b,c,d,e,f').env('BENCH_CONTENDERS'))
    .addOption(new Option('--workloads <list>', `which of ${WORKLOAD_IDS.join(',')}`).env('BENCH_WORKLOADS'))
    .addOption(
      new Option(
        '--latency-workloads <list>',
        'also measured at 1 connection for a,b,c (default single,cross)',
      ).env('BENCH_LATENCY_WORKLOADS'),
    )
    .addOption(
      new Option(
        '--overhead-rounds <n>',
        `alternating rounds of b and c for the overhead targets (default ${FULL.overheadRounds}, quick ${QUICK.overheadRounds}; 0 = off)`,
      ).env('BENCH_OVERHEAD_ROUNDS'),
    )
    .addOption(
      new Option(
        '--overhead-seconds <s>',
        `measured seconds per round (default ${FULL.overheadSeconds}, quick ${QUICK.overheadSeconds})`,
      ).env('BENCH_OVERHEAD_SECONDS'),
    )
    .addOption(
      new Option(
        '--overheads <list>',
        `which paired overheads run: ${OVERHEAD_IDS.join(',')} (default all)`,
      ).env('BENCH_OVERHEADS'),
    )
    .addOption(
      new Option(
        '--profile',
        'also CPU-profile meshgate (b, and c when available) under --profile-workloads',
      ).env('BENCH_PROFILE'),
    )
    .addOption(
      new Option('--profile-workloads <list>', 'the workloads --profile runs (default heavy)').env(
        'BENCH_PROFILE_WORKLOADS',
      ),
    )
    .addOption(
      new Option(
        '--lineage-events <n>',
        'events for the lineage writer benchmark (default 100000, quick 20000)',
      ).env('BENCH_LINEAGE_EVENTS'),
    )
    .addOption(new Option('--label <name>', 'appended to the result file names').env('BENCH_LABEL'))
    .addOption(
      new Option('--out <dir>', 'where results are written (default bench/results)').env('BENCH_OUT'),
    )
    .addOption(new Option('--database-url <url>', 'PostgreSQL for the subgraphs').env('DATABASE_URL'))
    .addOption(new Option('--redis-url <url>', 'Redis for contender c').env('REDIS_URL'))
    .addOption(
      new Option('--token-roles <roles>', 'roles of the token contender c sends (default data-steward)').env(
        'BENCH_TOKEN_ROLES',
      ),
    )
    .addOption(
      new Option(
        '--baseline <dir>',
        "another meshgate checkout (e.g. a git worktree of the commit before a change): its c runs in alternating rounds with this checkout's c",
      ).env('BENCH_BASELINE'),
    )
    .exitOverride();
  program.parse([...argv], { from: 'user' });
  const raw = program.opts<Record<string, unknown>>();
  const quick = raw.quick === true || raw.quick === 'true' || raw.quick === '1';
  const parsed = Schema.safeParse({
    ...raw,
    quick,
    profile: raw.profile === true || raw.profile === 'true' || raw.profile === '1',
  });
  if (!parsed.success) {
    throw new Error(
      `bench: ${parsed.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const o = parsed.data;
  const defaults = o.quick ? QUICK : FULL;
  return {
    durationSeconds: o.duration ?? defaults.duration,
    warmupSeconds: o.warmup ?? defaults.warmup,
    connections: o.connections,
    quick: o.quick,
    contenders: o.contenders,
    workloads: o.workloads,
    latencyWorkloads: o.latencyWorkloads.filter((w) => o.workloads.includes(w)),
    profile: o.profile,
    profileWorkloads: o.profileWorkloads,
    overheadRounds: o.overheadRounds ?? defaults.overheadRounds,
    overheadSeconds: o.overheadSeconds ?? defaults.overheadSeconds,
    overheads: o.overheads,
    lineageEvents: o.lineageEvents ?? (o.quick ? 20_000 : 100_000),
    label: o.label,
    outDir: o.out,
    databaseUrl: o.databaseUrl,
    redisUrl: o.redisUrl,
    tokenRoles: o.tokenRoles,
    baseline: o.baseline === null ? null : resolve(o.baseline),
  };
}
