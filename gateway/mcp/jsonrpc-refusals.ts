import type { FastifyInstance } from 'fastify';
import { ErrorCode } from '../common/errors.js';
import { jsonRpcErrorBody } from './mcp-error.js';

interface GraphQLRefusal {
  errors: [{ message: string; extensions?: { code?: unknown } & Record<string, unknown> }];
}

const CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));
const isErrorCode = (code: unknown): code is ErrorCode => typeof code === 'string' && CODES.has(code);

/**
 * The HTTP stage answers a refused request (413 PAYLOAD_TOO_LARGE, 400 MALFORMED_REQUEST, 415
 * UNSUPPORTED_MEDIA_TYPE …) in GraphQL's error shape before any route runs. In `scope` (the
 * MCP routes) the same refusal, with its status, code and message, is sent as the JSON-RPC
 * error an MCP client reads: one place decides the limits, each protocol words them.
 */
export function translateRefusals(scope: FastifyInstance): void {
  scope.addHook('onSend', async (_request, reply, payload) => {
    if (reply.statusCode < 400 || typeof payload !== 'string') return payload;
    const refusal = graphQLRefusal(payload);
    if (!refusal) return payload;
    const [{ message, extensions = {} }] = refusal.errors;
    const { code, ...data } = extensions;
    void reply.header('content-type', 'application/json; charset=utf-8');
    return JSON.stringify(jsonRpcErrorBody(isErrorCode(code) ? code : ErrorCode.BAD_REQUEST, message, data));
  });
}

function graphQLRefusal(payload: string): GraphQLRefusal | null {
  try {
    const value = JSON.parse(payload) as Partial<GraphQLRefusal> & { jsonrpc?: unknown };
    return value.jsonrpc === undefined && Array.isArray(value.errors) && value.errors.length === 1
      ? (value as GraphQLRefusal)
      : null;
  } catch {
    return null;
  }
}
