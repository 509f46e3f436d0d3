import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import { memoByObject } from '../common/memo-by-object.js';
import type { SupergraphModel } from '../supergraph/supergraph-model.js';
import { operationTool, type PublishedOperation } from './operation-tools.js';
import type { McpTool } from './types.js';

/** The names of meshgate's own tools: a published operation may not take one. */
export const OWN_TOOLS: ReadonlySet<string> = new Set([
  'search_data_products',
  'describe_data_product',
  'request_access',
  'execute_graphql',
]);

export interface Toolbox {
  /** The tools listed for the supergraph in service (published operations' schemas follow it). */
  tools(): readonly McpTool[];
  find(name: string): McpTool | undefined;
  /** Problems of `args` against the tool's input schema (JSON Pointer: message); empty when they match. */
  check(tool: McpTool, args: unknown): string[];
}

/**
 * meshgate's own tools and one per published operation. An operation's input schema is made
 * from the API schema in service, so it is made again when a new supergraph loads; each tool's
 * arguments are validated against its schema (ajv) before the tool runs.
 */
export function toolbox(
  own: readonly McpTool[],
  operations: readonly PublishedOperation[],
  model: () => SupergraphModel | null,
): Toolbox {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const forModel = memoByObject((m: SupergraphModel) => [
    ...own,
    ...operations.map((operation) => operationTool(operation, m.apiSchema)),
  ]);
  const validators = memoByObject((tool: McpTool): ValidateFunction => ajv.compile(tool.inputSchema));
  const tools = () => {
    const served = model();
    return served ? forModel(served) : own;
  };
  return {
    tools,
    find: (name) => tools().find((t) => t.name === name),
    check(tool, args) {
      const validate = validators(tool);
      if (validate(args)) return [];
      return (validate.errors ?? []).map(describe);
    },
  };
}

function describe(error: ErrorObject): string {
  const at = error.instancePath || '/';
  const extra =
    error.keyword === 'additionalProperties'
      ? ` (${String((error.params as { additionalProperty?: unknown }).additionalProperty)})`
      : error.keyword === 'enum'
        ? ` (${JSON.stringify((error.params as { allowedValues?: unknown }).allowedValues)})`
        : '';
  return `${at}: ${error.message ?? 'invalid'}${extra}`;
}
