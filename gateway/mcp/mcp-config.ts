import { z } from 'zod';
import type { McpConfig } from './types.js';

/**
 * The environment variables of the MCP endpoint (`/mcp`), as zod fields that
 * `gateway/config/config.ts` adds to its schema. Nothing here reads `process.env`.
 */
const count = (what: string, min: number, max: number) =>
  z.coerce
    .number({ error: `must be a number of ${what}` })
    .int('must be an integer')
    .min(min, `must be from ${min} to ${max}`)
    .max(max, `must be from ${min} to ${max}`);

/** `https://idp.example.com/realms/acme,…`: absolute http(s) URLs. */
const urls = z.string().transform((text, ctx) => {
  const list = text.split(/[\s,]+/).filter(Boolean);
  for (const entry of list) {
    if (!URL.canParse(entry) || !/^https?:$/.test(new URL(entry).protocol)) {
      ctx.addIssue({ code: 'custom', message: `"${entry}" is not an absolute http(s) URL` });
      return z.NEVER;
    }
  }
  return list;
});

export const mcpEnv = {
  /** `on`/`off`; unset: on in development, off otherwise (an agent endpoint is opted into). */
  MESHGATE_MCP: z.enum(['on', 'off']).optional(),
  /** The ad-hoc `execute_graphql` tool: off unless turned on; every limit applies when on. */
  MCP_EXECUTE_GRAPHQL: z.enum(['on', 'off']).default('off'),
  /** Sessions kept at once; past it the least recently used is closed (its client re-initializes). */
  MCP_MAX_SESSIONS: count('sessions', 1, 100_000).default(1_000),
  /** A session unused this long is closed. */
  MCP_SESSION_IDLE_SECONDS: count('seconds', 10, 86_400).default(1_800),
  /** The authorization servers the RFC 9728 metadata names; default: JWT_ISSUER when it is a URL. */
  MCP_AUTHORIZATION_SERVERS: urls.optional(),
};

type McpEnv = z.infer<z.ZodObject<typeof mcpEnv>>;

export function mcpConfig(
  e: McpEnv,
  environment: 'development' | 'production' | 'test',
  /** The issuer tokens must name (JWT_ISSUER): the authorization server when it is a URL. */
  issuer: string,
): McpConfig {
  const issuerUrl = URL.canParse(issuer) && /^https?:$/.test(new URL(issuer).protocol) ? [issuer] : [];
  return Object.freeze({
    enabled: (e.MESHGATE_MCP ?? (environment === 'development' ? 'on' : 'off')) === 'on',
    executeGraphql: e.MCP_EXECUTE_GRAPHQL === 'on',
    maxSessions: e.MCP_MAX_SESSIONS,
    sessionIdleMs: e.MCP_SESSION_IDLE_SECONDS * 1_000,
    authorizationServers: Object.freeze([...(e.MCP_AUTHORIZATION_SERVERS ?? issuerUrl)]),
  });
}
