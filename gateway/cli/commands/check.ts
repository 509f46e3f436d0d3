import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import {
  fileUsage,
  lineageUsage,
  renderAnnotations,
  renderJson,
  renderMarkdown,
  runCheck,
  type CheckReport,
  type UsageSource,
} from '../../../schema/check/index.js';
import { loadConfig } from '../../config/config.js';
import { ErrorCode, StartupError } from '../../common/errors.js';
import { lineageStore } from '../../lineage/create-lineage.js';
import { callRegistry, refused, registryOption, tokenOption } from '../registry-client.js';
import { productBody } from './registry.js';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const FORMATS = {
  markdown: renderMarkdown,
  json: renderJson,
  annotations: renderAnnotations,
} as const satisfies Record<string, (report: CheckReport) => string>;

interface CheckFlags {
  subgraph?: string;
  schema?: string;
  descriptor?: string;
  base?: string;
  baseSchema?: string;
  basePolicies?: string;
  policies?: string;
  lineage?: string;
  window?: string;
  governance: string;
  format: string;
  out?: string;
  annotate?: boolean;
  contract?: string;
  registry?: string;
  token?: string;
}

/**
 * `meshgate check`: governance checks for CI. Exit 0 pass, 1 findings at error severity,
 * 2 cannot run (bad flags, unreadable baseline, invalid governance file or policies, lineage
 * store unreachable) with one line `meshgate: error[CODE]: ...`.
 */
export function registerCheckCommand(program: Command): void {
  program
    .command('check')
    .description(
      'check a schema change: composition, breaking changes and their consumers, governance standards, policy coverage',
    )
    .option('--subgraph <name>', 'the subgraph a proposed change replaces (or adds); with --schema')
    .option('--schema <file>', "the proposed subgraph's SDL")
    .option('--descriptor <file>', "the proposed subgraph's data contract (default: its contract.odcs.yaml)")
    .option('--base <git-ref>', 'compare with schema/supergraph.graphql and policies/ at this git ref')
    .option('--base-schema <file>', 'compare with this supergraph file')
    .option('--base-policies <dir>', 'compare policies with this directory')
    .option('--policies <dir>', 'the proposed policies (default POLICY_DIR)')
    .option(
      '--lineage <file>',
      'usage from an exported lineage file (default: the lineage store at REDIS_URL, if set)',
    )
    .option('--window <duration>', 'how far back usage counts, e.g. 30d (default from governance.yaml)')
    .option('--governance <file>', 'the governance standards', 'schema/governance.yaml')
    .option('--format <format>', `report format: ${Object.keys(FORMATS).join(', ')}`, 'markdown')
    .option('--out <file>', 'write the report to this file instead of stdout')
    .option('--annotate', 'also print GitHub annotations to stdout')
    .option('--contract <file>', 'same as --descriptor')
    .addOption(registryOption())
    .addOption(tokenOption())
    .action(async (flags: CheckFlags) => {
      try {
        process.exitCode =
          flags.registry === undefined ? await check(flags) : await checkAgainstRegistry(flags);
      } catch (error) {
        if (!(error instanceof StartupError)) throw error;
        console.error(`meshgate: error[${error.code}]: ${error.message}`);
        process.exitCode = 2;
      }
    });
}

async function check(flags: CheckFlags): Promise<number> {
  const render = FORMATS[flags.format as keyof typeof FORMATS] as
    ((report: CheckReport) => string) | undefined;
  if (!render)
    throw new StartupError(
      ErrorCode.BAD_USER_INPUT,
      `--format "${flags.format}" is not one of ${Object.keys(FORMATS).join(', ')}`,
    );
  if ((flags.subgraph === undefined) !== (flags.schema === undefined))
    throw new StartupError(ErrorCode.BAD_USER_INPUT, '--subgraph and --schema go together');
  if (flags.descriptor !== undefined && flags.subgraph === undefined)
    throw new StartupError(ErrorCode.BAD_USER_INPUT, '--descriptor needs --subgraph and --schema');
  if (flags.base !== undefined && flags.baseSchema !== undefined)
    throw new StartupError(ErrorCode.BAD_USER_INPUT, '--base and --base-schema exclude each other');
  const config = loadConfig();
  const usage = await openUsage(flags, config.lineage);
  try {
    const report = await runCheck({
      root: ROOT,
      governanceFile: resolve(flags.governance),
      proposed:
        flags.subgraph !== undefined && flags.schema !== undefined
          ? {
              name: flags.subgraph,
              schemaPath: resolve(flags.schema),
              descriptorPath: flags.descriptor && resolve(flags.descriptor),
            }
          : undefined,
      base: {
        ref: flags.base,
        schemaFile: flags.baseSchema && resolve(flags.baseSchema),
        policyDir: flags.basePolicies && resolve(flags.basePolicies),
      },
      policyDir: flags.policies === undefined ? config.security.policy.dir : resolve(flags.policies),
      usage,
      window: flags.window,
    });
    const text = render(report);
    if (flags.out !== undefined) writeFileSync(resolve(flags.out), text);
    else process.stdout.write(text);
    if (flags.annotate && flags.format !== 'annotations') process.stdout.write(renderAnnotations(report));
    return report.exitCode;
  } finally {
    await usage?.close();
  }
}

/**
 * `meshgate check --registry URL`: the registry runs the checks a publish would (composition
 * with what is in service, governance, ownership) and stores nothing. Reads only the files
 * passed. Exit 0 pass, 1 the change would be rejected, 2 any other refusal.
 */
async function checkAgainstRegistry(flags: CheckFlags): Promise<number> {
  if (flags.subgraph === undefined || flags.schema === undefined)
    throw new StartupError(ErrorCode.BAD_USER_INPUT, '--registry needs --subgraph, --schema and --contract');
  const answer = await callRegistry(flags, {
    method: 'POST',
    path: `/products/${encodeURIComponent(flags.subgraph)}/check`,
    body: productBody({
      ...flags,
      subgraph: flags.subgraph,
      schema: flags.schema,
      contract: flags.contract ?? flags.descriptor,
    }),
  });
  const report = typeof answer.body.report === 'string' ? answer.body.report : '';
  const text =
    flags.format === 'json' ? `${JSON.stringify(answer.body, null, 2)}\n` : report ? `${report}\n` : '';
  if (flags.out !== undefined) writeFileSync(resolve(flags.out), text);
  else process.stdout.write(text);
  if (answer.ok) return 0;
  const error = refused(answer, 'check');
  if (error.code === ErrorCode.PUBLISH_REJECTED) return 1;
  throw error;
}

/** `--lineage FILE`, else the Redis lineage store when there is Redis (unreachable → cannot run), else none. */
async function openUsage(
  flags: CheckFlags,
  lineage: Parameters<typeof lineageStore>[0],
): Promise<UsageSource | null> {
  if (flags.lineage !== undefined) return fileUsage(resolve(flags.lineage));
  if (lineage.redis === undefined) return null;
  const store = await lineageStore(lineage, { connect: true });
  return lineageUsage(store, `lineage store ${lineage.redis.describe} (${lineage.prefix})`);
}
