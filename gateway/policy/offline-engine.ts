import { ApolloGateway } from '@apollo/gateway';
import { ErrorCode, StartupError } from '../errors.js';
import { readSupergraphFile } from '../supergraph-source.js';
import { CLASSIFICATIONS, compilePolicy } from './policy-engine.js';
import { readPolicyFiles } from './policy-file.js';
import { indexSupergraph } from './schema-index.js';
import type { PolicyEngine } from './types.js';

/**
 * The policies compiled against a supergraph file without serving it (for `meshgate policy
 * test|explain` and CI): @apollo/gateway derives the API schema exactly as the served
 * gateway does, and nothing is fetched from subgraphs.
 */
export async function loadPolicyEngine(supergraphPath: string, policyDir: string): Promise<PolicyEngine> {
  const rules = readPolicyFiles(policyDir);
  const supergraphSdl = readSupergraphFile(supergraphPath);
  const gateway = new ApolloGateway({ supergraphSdl, logger: silent });
  let engine: PolicyEngine | undefined;
  let failure: unknown;
  gateway.onSchemaLoadOrUpdate(({ apiSchema, coreSupergraphSdl }) => {
    try {
      engine = compilePolicy({ rules, index: indexSupergraph(apiSchema, coreSupergraphSdl, CLASSIFICATIONS), strict: true });
    } catch (error) {
      failure = error;
    }
  });
  try {
    await gateway.load({ apollo: {} });
  } catch (cause) {
    throw new StartupError(ErrorCode.SUPERGRAPH_INVALID, `cannot load supergraph ${supergraphPath}: ${(cause as Error).message.split('\n')[0]}`, cause);
  } finally {
    await gateway.stop();
  }
  if (failure) throw failure;
  if (!engine) throw new StartupError(ErrorCode.SUPERGRAPH_INVALID, `supergraph ${supergraphPath} did not load`);
  return engine;
}

const noop = () => undefined;
const silent = { debug: noop, info: noop, warn: noop, error: noop };
