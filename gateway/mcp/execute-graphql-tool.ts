import { runOperation } from './run-operation.js';
import type { McpTool } from './types.js';

export const EXECUTE_GRAPHQL = 'execute_graphql';

/**
 * `execute_graphql`: an ad-hoc operation (MCP_EXECUTE_GRAPHQL=on; off by default, when only
 * the published operations run). It goes through the same pipeline as POST /graphql, so
 * every limit applies to it (tokens, depth, aliases, root fields, cost, the rate per
 * principal) and, with SAFELIST=on, only published operations run at all.
 */
export function executeGraphqlTool(): McpTool {
  return {
    name: EXECUTE_GRAPHQL,
    title: 'Execute a GraphQL query',
    description:
      'Run an ad-hoc GraphQL query against the data mesh, as you: your policies, masking and row filters apply, and so do the depth, cost, alias and rate limits. Prefer the published operation tools when one fits.',
    inputSchema: {
      type: 'object',
      properties: {
        query: { type: 'string', description: 'The GraphQL document' },
        variables: { type: 'object', description: 'Its variables', additionalProperties: true },
        operationName: { type: 'string', description: 'The operation to run, when the document has several' },
      },
      required: ['query'],
      additionalProperties: false,
    },
    annotations: { readOnlyHint: true, openWorldHint: false },
    call: (args, call) =>
      runOperation(
        EXECUTE_GRAPHQL,
        {
          query: String(args.query),
          // The input schema checked their types: an object and a string when present.
          ...(args.variables !== undefined && { variables: args.variables as Record<string, unknown> }),
          ...(typeof args.operationName === 'string' && { operationName: args.operationName }),
        },
        call,
      ),
  };
}
