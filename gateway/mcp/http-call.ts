import type { AuthInfo } from '@modelcontextprotocol/sdk/server/auth/types.js';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../common/types.js';
import { invariant } from '../common/invariant.js';

/**
 * The HTTP request an MCP message came on, handed to the request handlers through the SDK's
 * one channel for it (`req.auth`, which the transport passes as `extra.authInfo`): the
 * principal this request's bearer token authenticated, and the fastify request and reply the
 * pipeline runs a tool's operation against. A class, so a handler finds it by `instanceof`.
 */
export class McpHttpCall {
  constructor(
    readonly principal: Principal,
    readonly request: FastifyRequest,
    readonly reply: FastifyReply,
  ) {}

  toAuthInfo(): AuthInfo {
    return {
      token: '',
      clientId: this.principal.sub,
      scopes: [...this.principal.scopes],
      extra: { call: this },
    };
  }
}

/** The call of a handler's `extra.authInfo`: always set, since every request to /mcp is authenticated first. */
export function httpCallOf(authInfo: AuthInfo | undefined): McpHttpCall {
  const call = authInfo?.extra?.call;
  invariant(call instanceof McpHttpCall, 'an MCP request carries its HTTP call');
  return call;
}
