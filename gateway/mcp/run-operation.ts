import { HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';
import type { Outcome } from '../common/types.js';
import type { ToolCall, ToolOutcome } from './types.js';

export interface GraphQLBody {
  readonly query: string;
  readonly variables?: Readonly<Record<string, unknown>>;
  readonly operationName?: string;
}

interface GraphQLResult {
  data?: unknown;
  errors?: readonly {
    message: string;
    path?: readonly (string | number)[];
    extensions?: Record<string, unknown>;
  }[];
}

/**
 * Runs one operation for a tool through the gateway's one pipeline (`pipeline.execute`, what
 * POST /graphql runs): authentication from this HTTP request's bearer token, limits and the
 * rate, policies, masking, row filters, the entity cache, SLIs and lineage, which records the
 * MCP client and the tool. The GraphQL answer becomes the tool's result as it is: data and
 * errors with their codes; a refused request (429 RATE_LIMITED, 400 DEPTH_LIMIT_EXCEEDED …)
 * is a tool error the agent reads, not a protocol error.
 */
export async function runOperation(tool: string, body: GraphQLBody, call: ToolCall): Promise<ToolOutcome> {
  const headers = new HeaderMap([
    ['content-type', 'application/json'],
    ['accept', 'application/json'],
  ]);
  const response = await call.pipeline.execute(
    { method: 'POST', headers, search: '', body },
    call.request,
    call.reply,
    undefined,
    { kind: 'mcp', client: call.client, tool },
  );
  const status = response.status ?? 200;
  const result = parse(await text(response));
  const outcome = outcomeOf(status, result);
  const answer = {
    ...(result.data !== undefined && { data: result.data }),
    ...(result.errors && { errors: result.errors }),
  };
  return {
    outcome,
    result: {
      content: [{ type: 'text', text: JSON.stringify(answer, null, 2) }],
      structuredContent: answer,
      ...((outcome === 'rejected' || outcome === 'error') && { isError: true }),
    },
  };
}

function outcomeOf(status: number, result: GraphQLResult): Outcome {
  if (status >= 500) return 'error';
  if (status >= 400) return 'rejected';
  if (!result.errors?.length) return 'ok';
  return result.data === null || result.data === undefined ? 'error' : 'partial';
}

async function text(response: HTTPGraphQLResponse): Promise<string> {
  if (response.body.kind === 'complete') return response.body.string;
  let chunks = '';
  for await (const chunk of response.body.asyncIterator) chunks += chunk;
  return chunks;
}

function parse(body: string): GraphQLResult {
  try {
    const value: unknown = JSON.parse(body);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as GraphQLResult;
  } catch {
    // Apollo answers JSON; anything else is reported as the error it is.
  }
  return {
    errors: [{ message: 'The gateway answered with no JSON', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
  };
}
