/** The MCP endpoint: data products for AI agents over the Model Context Protocol. */
export type * from './types.js';
export { mcpConfig, mcpEnv } from './mcp-config.js';
export { useMcp, type UseMcpOptions } from './use-mcp.js';
