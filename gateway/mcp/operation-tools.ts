import {
  Kind,
  TokenKind,
  parse,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type Token,
} from 'graphql';
import type { Logger } from '../common/logger.js';
import type { Safelist } from '../persisted/types.js';
import { runOperation } from './run-operation.js';
import type { McpTool } from './types.js';
import { variablesSchema } from './variables-schema.js';

/** A published operation, read once from the manifest: what its tool runs and says. */
export interface PublishedOperation {
  readonly name: string;
  readonly body: string;
  readonly description: string;
  readonly definition: OperationDefinitionNode;
}

/** MCP tool names: letters, digits, `_` and `-`, at most 64 (what clients accept). */
const TOOL_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * The operations of the published manifest (SAFELIST_PATH, Apollo's persisted-query manifest)
 * that become tools: each named query, with its leading comment as the tool's description, as
 * Apollo's MCP server does. Anonymous operations, mutations and subscriptions, and names
 * taken by meshgate's own tools are skipped with a warning: an agent reads data products.
 */
export function publishedOperations(
  safelist: Safelist | null,
  reserved: ReadonlySet<string>,
  logger: Pick<Logger, 'warn'>,
): PublishedOperation[] {
  if (!safelist) return [];
  const operations: PublishedOperation[] = [];
  for (const body of safelist.operations.values()) {
    let document: DocumentNode;
    try {
      document = parse(body);
    } catch (error) {
      logger.warn({ err: error }, 'MCP: a manifest operation does not parse; no tool for it');
      continue;
    }
    const definitions = document.definitions.filter(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
    );
    for (const definition of definitions) {
      const name = definition.name?.value;
      const skip = (why: string) =>
        logger.warn({ operation: name ?? null }, `MCP: no tool for this operation: ${why}`);
      if (!name) skip('it has no name');
      else if (definition.operation !== 'query') skip(`it is a ${definition.operation}; tools read`);
      else if (!TOOL_NAME.test(name)) skip('its name is not a tool name');
      else if (reserved.has(name) || operations.some((o) => o.name === name)) skip('the name is taken');
      else
        operations.push({
          name,
          body,
          definition,
          description: leadingComment(definition) ?? `Runs the published operation ${name}.`,
        });
    }
  }
  return operations.sort((a, b) => a.name.localeCompare(b.name));
}

/** The tool of one published operation, its input schema its variables' against `schema`. */
export function operationTool(operation: PublishedOperation, schema: GraphQLSchema): McpTool {
  return {
    name: operation.name,
    title: operation.name,
    description: operation.description,
    inputSchema: variablesSchema(schema, operation.definition),
    annotations: { readOnlyHint: true, openWorldHint: false, idempotentHint: true },
    call: (args, call) =>
      runOperation(
        operation.name,
        { query: operation.body, variables: args, operationName: operation.name },
        call,
      ),
  };
}

/** The `#` comment lines right before the operation (graphql-js keeps comments in the token chain). */
function leadingComment(definition: OperationDefinitionNode): string | null {
  const lines: string[] = [];
  let token: Token | null | undefined = definition.loc?.startToken.prev;
  while (token && token.kind === TokenKind.COMMENT) {
    lines.unshift((token.value ?? '').trim());
    token = token.prev;
  }
  const text = lines.join('\n').trim();
  return text || null;
}
