import { ErrorCode as JsonRpc } from '@modelcontextprotocol/sdk/types.js';
import { ErrorCode, httpStatusOf, messageOf, type HttpErrorCode } from '../common/errors.js';

/**
 * JSON-RPC errors of the MCP endpoint. Every one carries meshgate's code in `error.data.code`
 * (the catalogue's, as `extensions.code` does on /graphql), beside the JSON-RPC number the
 * MCP specification asks for: -32602 (invalid params) for an unknown tool or bad arguments,
 * -32002 for an unknown resource, -32600 (invalid request) for a refused HTTP request,
 * -32700 for a body that is not JSON, -32001 for a session that is gone, -32000 otherwise.
 */
const JSON_RPC: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.MCP_UNKNOWN_TOOL]: JsonRpc.InvalidParams,
  [ErrorCode.MCP_INVALID_ARGUMENTS]: JsonRpc.InvalidParams,
  [ErrorCode.MCP_TOOL_DISABLED]: JsonRpc.InvalidParams,
  [ErrorCode.MCP_UNKNOWN_RESOURCE]: -32002,
  [ErrorCode.MCP_SESSION_NOT_FOUND]: -32001,
  [ErrorCode.MALFORMED_REQUEST]: JsonRpc.ParseError,
  [ErrorCode.PAYLOAD_TOO_LARGE]: JsonRpc.InvalidRequest,
  [ErrorCode.UNSUPPORTED_MEDIA_TYPE]: JsonRpc.InvalidRequest,
  [ErrorCode.BATCH_LIMIT_EXCEEDED]: JsonRpc.InvalidRequest,
  [ErrorCode.INTERNAL_SERVER_ERROR]: JsonRpc.InternalError,
};

export function jsonRpcCodeOf(code: ErrorCode): number {
  return JSON_RPC[code] ?? -32000;
}

/**
 * What a request handler throws: the SDK answers any error with a numeric `code` as a JSON-RPC
 * error of that code, `message` and `data`. Not the SDK's `McpError`, whose message carries an
 * "MCP error -32602:" prefix that the client's own McpError would then repeat.
 */
export class McpRequestError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data: Readonly<Record<string, unknown>>,
  ) {
    super(message);
  }
}

/** A JSON-RPC error with meshgate's code in `data.code`. */
export function mcpError(code: ErrorCode, message = messageOf(code), data: Record<string, unknown> = {}) {
  return new McpRequestError(jsonRpcCodeOf(code), message, { code, ...data });
}

/** The body of a JSON-RPC error answered before any MCP server saw the request (no id known). */
export function jsonRpcErrorBody(
  code: ErrorCode,
  message = messageOf(code),
  data: Record<string, unknown> = {},
) {
  return {
    jsonrpc: '2.0' as const,
    id: null,
    error: { code: jsonRpcCodeOf(code), message, data: { code, ...data } },
  };
}

/** A refusal of the HTTP request itself: its status and its JSON-RPC body. */
export function jsonRpcRefusal(
  code: HttpErrorCode,
  message = messageOf(code),
  data: Record<string, unknown> = {},
) {
  return { status: httpStatusOf(code), body: jsonRpcErrorBody(code, message, data) };
}
