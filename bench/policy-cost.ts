import type { GatewayExecutor, GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import { pathToFileURL } from 'node:url';
import {
  ORDER_22_ADDRESS,
  ORDER_22_CARD_PAYMENT,
  ORDER_22_CUSTOMER,
  ORDER_22_INVOICE_PAYMENT,
  order22,
} from '../test/support/order-22.js';
import { issueToken, createAuthenticate } from '../gateway/auth/index.js';
import { createContextTokenSigner, contextTokenKey } from '../gateway/subgraph-fetch/context-token.js';
import { loadConfig, type MeshgateConfig } from '../gateway/config/config.js';
import { RequestState, stageRunner, type ResolvedOperation } from '../gateway/pipeline/index.js';
import { analyseOperation } from '../gateway/operation/operation-analysis.js';
import { supergraphModel } from '../gateway/supergraph/supergraph-model.js';
import { readPolicyFiles } from '../gateway/policy/policy-file.js';
import { createLogger, type Logger } from '../gateway/common/logger.js';
import { readSupergraphFile } from '../gateway/supergraph/read-supergraph-file.js';
import type { Principal } from '../gateway/common/types.js';
import { indexSupergraphSdl } from '../gateway/policy/offline-engine.js';
import { usePolicy } from '../gateway/policy/use-policy.js';
import { acceptEnforcedSecurityFeatures } from '../gateway/policy/security-features.js';

/** One order across four data products, as the data steward reads it (the persona tests' order). */
export const COST_QUERY = `query CostProbe {
  order(id: "22") {
    id status total { amount currency }
    customer { id name country email phone birthDate }
    payments { method status cardBrand cardLast4 cardHolder amount { amount } }
    shipments { carrier status address { recipient street postalCode city country } }
  }
}`;
const COST_DATA = order22({
  customer: ORDER_22_CUSTOMER,
  payments: [ORDER_22_CARD_PAYMENT, ORDER_22_INVOICE_PAYMENT],
  address: ORDER_22_ADDRESS,
});

export interface CostLine {
  readonly label: string;
  readonly microseconds: number;
}

/**
 * The policy layer's own per-request cost with its caches warm, in microseconds, measured in
 * process so the network, the query planner and the subgraphs are not in the figure: the
 * real policy stage, through the stage runner, wraps a stand-in executor that returns the same response each time,
 * and the cost is (wrapped − bare) per request, averaged over `iterations` after a warm-up.
 * Authentication (a cached token) and the context token (signed once per principal) are
 * measured the same way. `meshgate policy cost` prints it.
 */
export async function measurePolicyCost(
  config: MeshgateConfig,
  logger: Logger,
  principals: readonly { label: string; token: string | undefined }[],
  iterations: number,
): Promise<CostLine[]> {
  if (config.supergraph.source !== 'file') throw new Error('measuring needs a supergraph file');
  const supergraphSdl = acceptEnforcedSecurityFeatures(readSupergraphFile(config.supergraph.path));
  const index = await indexSupergraphSdl(supergraphSdl);
  const bare: GatewayExecutor = async () => ({ data: structuredClone(COST_DATA) });
  const runner = stageRunner([
    usePolicy({
      policy: { ...config.security.policy, enabled: true, mode: 'enforce' },
      stateDir: config.stateDir,
      logger,
      rules: readPolicyFiles(config.security.policy.dir),
    }),
  ]);
  runner.schemaChanged(supergraphModel(supergraphSdl, { apiSchema: index.schema }));
  const wrapped = runner.wrapExecutor(bare);
  const authenticate = createAuthenticate({ auth: config.security.auth, stateDir: config.stateDir });
  const signer = createContextTokenSigner(
    contextTokenKey(config.security.contextToken, config.stateDir),
    config.security.contextToken.ttlSeconds,
  );

  const document = parse(COST_QUERY);
  const operation = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  )!;
  const resolved: ResolvedOperation = {
    document,
    definition: operation,
    name: 'CostProbe',
    type: operation.operation,
    hash: 'cost-probe',
    analysis: analyseOperation(index.schema, document, operation),
  };
  const requestFor = (principal: Principal) => {
    const state = new RequestState('cost', { name: undefined, version: undefined });
    state.principal = principal;
    state.operation = resolved;
    // The executor reads only these members of Apollo Server's request context.
    return {
      request: { query: COST_QUERY, operationName: 'CostProbe', variables: {} },
      document,
      source: COST_QUERY,
      queryHash: 'cost-probe',
      operationName: 'CostProbe',
      operation,
      context: state,
    } as unknown as GatewayGraphQLRequestContext;
  };

  const perRequest = async (run: (i: number) => unknown): Promise<number> => {
    for (let i = 0; i < Math.min(1000, iterations); i += 1) await run(i);
    const started = process.hrtime.bigint();
    for (let i = 0; i < iterations; i += 1) await run(i);
    return Number(process.hrtime.bigint() - started) / 1000 / iterations;
  };
  const lines: CostLine[] = [];
  for (const { label, token } of principals) {
    const header = token ? `Bearer ${token}` : undefined;
    const principal = await authenticate(header);
    const request = requestFor(principal);
    const baseline = await perRequest(() => bare(request));
    const withPolicy = await perRequest(() => wrapped(request));
    lines.push({
      label: `${label}: authorize + mask (decision cache warm)`,
      microseconds: withPolicy - baseline,
    });
    lines.push({
      label: `${label}: authenticate (token cache warm)`,
      microseconds: await perRequest(() => authenticate(header)),
    });
  }
  const anonymous = await authenticate(undefined);
  lines.push({
    label: 'context token (signed once per principal, reused)',
    microseconds: await perRequest(() => signer.sign(anonymous)),
  });
  return lines;
}

/** `npm run bench:policy [-- ITERATIONS]`: the policy layer's cost, reproducible on any machine. */
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const iterations = Number(process.argv[2] ?? 20_000);
  const config = loadConfig();
  const persona = (sub: string, roles: string[], attributes: Record<string, string> = {}) =>
    issueToken(config.security.auth, config.stateDir, { sub, roles, attributes });
  const lines = await measurePolicyCost(
    config,
    createLogger('silent'),
    [
      { label: 'anonymous', token: undefined },
      { label: 'analyst', token: persona('ana', ['analyst']) },
      { label: 'support', token: persona('sam', ['support'], { purpose: 'support' }) },
      { label: 'finance', token: persona('fin', ['finance']) },
      { label: 'data-steward', token: persona('stew', ['data-steward']) },
    ],
    iterations,
  );
  console.log(
    `policy layer cost per request, ${iterations} requests each, query: one order across four data products`,
  );
  for (const line of lines) console.log(`${line.microseconds.toFixed(1).padStart(8)} µs  ${line.label}`);
}
