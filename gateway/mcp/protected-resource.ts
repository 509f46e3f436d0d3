import type { FastifyRequest } from 'fastify';
import type { McpConfig } from './types.js';

export const MCP_PATH = '/mcp';
export const METADATA_PATH = '/.well-known/oauth-protected-resource';

/** Where the client reached the gateway: the resource identifier and the metadata URL are built from it. */
function origin(request: FastifyRequest): string {
  return `${request.protocol}://${request.host}`;
}

/**
 * The OAuth 2.0 Protected Resource Metadata of `/mcp` (RFC 9728), as the MCP authorization
 * specification asks: the resource and the authorization servers that issue tokens for it, so a
 * spec-following client finds out how to get a bearer token. Served at the well-known path and
 * at its path-suffixed form for the `/mcp` resource (RFC 9728 §3.1).
 */
export function protectedResourceMetadata(config: McpConfig, request: FastifyRequest) {
  return {
    resource: `${origin(request)}${MCP_PATH}`,
    authorization_servers: config.authorizationServers,
    bearer_methods_supported: ['header'],
    resource_name: 'meshgate data mesh (MCP)',
    resource_documentation: 'https://github.com/meshgate/meshgate#connecting-an-assistant-mcp',
  };
}

/** The `WWW-Authenticate` challenge of a 401 at /mcp: Bearer, with the metadata's URL (RFC 9728 §5.1). */
export function bearerChallenge(request: FastifyRequest, invalidToken: boolean): string {
  const metadata = `${origin(request)}${METADATA_PATH}${MCP_PATH}`;
  return `Bearer resource_metadata="${metadata}"${invalidToken ? ', error="invalid_token"' : ''}`;
}
