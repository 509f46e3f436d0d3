import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { createAuthenticate } from '../../auth/index.js';
import { loadConfig, type MeshgateConfig } from '../../config/config.js';
import { ANONYMOUS } from '../../auth/anonymous.js';
import { ErrorCode, MeshgateGraphQLError, StartupError } from '../../common/errors.js';
import { loadPolicyEngine } from '../../policy/offline-engine.js';
import {
  coveredFieldDecisions,
  decisionRows,
  operationDecisions,
  principalLabel,
  type DecisionColumn,
} from '../../policy/decision-matrix.js';
import { runPolicyTests } from '../../policy/policy-test.js';
import { describePredicate } from '../../policy/row-filter.js';
import type { PolicyEngine } from '../../policy/types.js';
import type { Principal } from '../../common/types.js';

/** `meshgate policy test|explain`: policies as code, tested and explained without a running mesh. */
export function registerPolicyCommand(program: Command): void {
  const policy = program.command('policy').description('test and explain the policies in POLICY_DIR');
  policy
    .command('test')
    .description('run the policy test cases in policies/*.test.yaml (like opa test)')
    .option('-s, --supergraph <file>', 'supergraph to test against (default: SUPERGRAPH_PATH)')
    .action(async (options: { supergraph?: string }) => {
      const { config, engine } = await setUp(options.supergraph);
      const results = runPolicyTests(engine, config.security.policy.dir);
      for (const result of results) {
        console.log(`${result.failures.length ? 'FAIL' : 'PASS'} ${result.file}: ${result.name}`);
        for (const failure of result.failures) console.log(`     ${failure}`);
      }
      const failed = results.filter((r) => r.failures.length).length;
      console.log('-'.repeat(40));
      console.log(`PASS: ${results.length - failed}/${results.length}`);
      if (failed)
        throw new StartupError(
          ErrorCode.POLICY_TEST_FAILED,
          `${failed} of ${results.length} policy test case(s) failed`,
        );
    });
  policy
    .command('explain')
    .description("print every field's decision for each principal, and the rule that made it")
    .option('-t, --token <jwt>', 'a bearer token (repeatable: one column each)', collect, [])
    .option('--anonymous', 'add a column for the anonymous principal (the default without --token)')
    .option('-q, --query <operation>', 'the operation; without it, every classified or rule-covered field')
    .option('--query-file <file>', 'read the operation from a file')
    .option('-s, --supergraph <file>', 'supergraph to explain against (default: SUPERGRAPH_PATH)')
    .action(
      async (options: {
        token: string[];
        anonymous?: boolean;
        query?: string;
        queryFile?: string;
        supergraph?: string;
      }) => {
        const { config, engine } = await setUp(options.supergraph);
        const authenticate = createAuthenticate({ auth: config.security.auth, stateDir: config.stateDir });
        const principals: Principal[] = [];
        // Each token verified as /graphql would (the identity provider's JWKS, or the local
        // keys), and the principal its claims map to shown first, on stderr (stdout stays the
        // table scripts read): what each column decides on.
        for (const token of options.token) {
          const principal = await verified(() => authenticate(`Bearer ${token}`));
          console.error(describePrincipal(principal));
          principals.push(principal);
        }
        if (options.anonymous || principals.length === 0) principals.unshift(ANONYMOUS);
        const query = options.queryFile ? readFileSync(options.queryFile, 'utf8') : options.query;
        const columns = principals.map((p) =>
          query ? decisionsFor(engine, p, query) : coveredFieldDecisions(engine, p),
        );
        // Row filters: one row per filtered type, `filter: <predicate> (rule)` or `all rows`.
        const filtered = principals.map((p) => rowFilterCells(engine, p));
        const types = [...new Set(filtered.flatMap((f) => [...f.keys()]))].sort();
        columns.forEach((column, i) => {
          for (const type of types) column.set(type, filtered[i]!.get(type) ?? 'all rows');
        });
        const headers = ['field', ...principals.map(principalLabel)];
        const rows = decisionRows(columns).map((row) => [row.coordinate, ...row.cells]);
        const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
        const line = (cells: string[]) =>
          cells
            .map((cell, i) => cell.padEnd(widths[i]!))
            .join(' | ')
            .trimEnd();
        console.log(line(headers));
        console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
        for (const row of rows) console.log(line(row));
      },
    );
}

async function setUp(
  supergraph: string | undefined,
): Promise<{ config: MeshgateConfig; engine: PolicyEngine }> {
  const config = loadConfig(process.env, { supergraphPath: supergraph });
  if (config.supergraph.source !== 'file')
    throw new StartupError(ErrorCode.CONFIG_INVALID, 'policy commands need a supergraph file');
  return {
    config,
    engine: await loadPolicyEngine(
      config.supergraph.path,
      config.security.policy.dir,
      config.access.grantsDir,
    ),
  };
}

/** The operation's decisions, a bad `--query` reported as the user's mistake. */
function decisionsFor(engine: PolicyEngine, principal: Principal, query: string): DecisionColumn {
  try {
    return operationDecisions(engine, principal, query);
  } catch (error) {
    throw new StartupError(ErrorCode.BAD_USER_INPUT, `--query: ${(error as Error).message}`);
  }
}

/** `rows of Type` → the principal's row filter on it (row-filter.ts). */
function rowFilterCells(engine: PolicyEngine, principal: Principal): Map<string, string> {
  const cells = new Map<string, string>();
  for (const filters of Object.values(engine.rowFilters(principal).claims))
    for (const filter of filters)
      cells.set(`rows of ${filter.type}`, `filter: ${describePredicate(filter.where)} (${filter.rule})`);
  return cells;
}

/** `principal ci-bot: roles [analyst] · teams [sales] · scopes [read] · purpose=support · expires …`. */
export function describePrincipal(principal: Principal): string {
  const list = (values: readonly string[]) => `[${values.join(' ')}]`;
  const attributes = Object.entries(principal.attributes).map(
    ([name, value]) => `${name}=${typeof value === 'string' ? value : value.join(',')}`,
  );
  return [
    `principal ${principal.sub}: roles ${list(principal.roles)}`,
    `teams ${list(principal.teams)}`,
    `scopes ${list(principal.scopes)}`,
    ...attributes,
    ...(principal.expiresAt === undefined
      ? []
      : [`expires ${new Date(principal.expiresAt * 1000).toISOString()}`]),
  ].join(' · ');
}

async function verified(authenticate: () => Promise<Principal>): Promise<Principal> {
  try {
    return await authenticate();
  } catch (error) {
    if (error instanceof MeshgateGraphQLError)
      throw new StartupError(ErrorCode.TOKEN_INVALID, `--token: ${error.message}`);
    throw error;
  }
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
