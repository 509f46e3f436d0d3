import { ApolloGateway } from '@apollo/gateway';
import type { GraphQLSchema } from 'graphql';
import { ErrorCode, StartupError } from '../common/errors.js';
import { readSupergraphFile } from '../supergraph/read-supergraph-file.js';
import { supergraphModel } from '../supergraph/supergraph-model.js';
import { compilePolicy } from './policy-engine.js';
import { readPolicyAndGrantFiles } from './grant-rule.js';
import { indexSupergraph, type SchemaIndex } from './schema-index.js';
import { acceptEnforcedSecurityFeatures } from './security-features.js';
import type { PolicyEngine } from './types.js';
import { disableApolloTelemetry } from '../common/apollo-telemetry.js';

/**
 * The policies compiled against a supergraph file without serving it (for `meshgate policy
 * test|explain` and CI): @apollo/gateway derives the API schema exactly as the served
 * gateway does, and nothing is fetched from subgraphs.
 */
export async function loadPolicyEngine(
  supergraphPath: string,
  policyDir: string,
  /** Where the grants are (GRANTS_DIR); `<policyDir>/grants` when absent. */
  grantsDir?: string,
): Promise<PolicyEngine> {
  // Grants (policies/grants/) are tested and explained like any rule.
  const rules = readPolicyAndGrantFiles(policyDir, grantsDir);
  const index = await indexSupergraphSdl(readSupergraphFile(supergraphPath), supergraphPath);
  return compilePolicy({ rules, index, strict: true });
}

/** A supergraph's API schema and policy index, as the gateway derives them. */
export async function indexSupergraphSdl(
  supergraphSdl: string,
  describe = 'supergraph',
): Promise<SchemaIndex> {
  disableApolloTelemetry();
  const gateway = new ApolloGateway({
    supergraphSdl: acceptEnforcedSecurityFeatures(supergraphSdl),
    logger: silent,
  });
  let loaded: { apiSchema: GraphQLSchema; coreSupergraphSdl: string } | undefined;
  gateway.onSchemaLoadOrUpdate((schema) => {
    loaded = schema;
  });
  try {
    await gateway.load({ apollo: {} });
  } catch (cause) {
    throw new StartupError(
      ErrorCode.SUPERGRAPH_INVALID,
      `cannot load ${describe}: ${(cause as Error).message.split('\n')[0]}`,
      cause,
    );
  } finally {
    await gateway.stop();
  }
  if (!loaded) throw new StartupError(ErrorCode.SUPERGRAPH_INVALID, `${describe} did not load`);
  const { apiSchema, coreSupergraphSdl } = loaded;
  return indexSupergraph(supergraphModel(coreSupergraphSdl, { apiSchema }), apiSchema);
}

const noop = () => undefined;
const silent = { debug: noop, info: noop, warn: noop, error: noop };
