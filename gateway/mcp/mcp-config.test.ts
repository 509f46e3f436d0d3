import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.js';

describe('MCP configuration', () => {
  it('is on in development, off elsewhere unless turned on; execute_graphql off', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).mcp).toMatchObject({
      enabled: true,
      executeGraphql: false,
    });
    expect(loadConfig({ NODE_ENV: 'production' }).mcp.enabled).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test', MESHGATE_MCP: 'on', MCP_EXECUTE_GRAPHQL: 'on' }).mcp).toMatchObject(
      {
        enabled: true,
        executeGraphql: true,
      },
    );
    expect(loadConfig({ NODE_ENV: 'development', MESHGATE_MCP: 'off' }).mcp.enabled).toBe(false);
  });

  it('names the issuer as the authorization server when it is a URL, or the servers given', () => {
    expect(loadConfig({}).mcp.authorizationServers).toEqual([]);
    expect(
      loadConfig({ JWT_ISSUER: 'https://idp.example.com/realms/acme' }).mcp.authorizationServers,
    ).toEqual(['https://idp.example.com/realms/acme']);
    expect(
      loadConfig({ MCP_AUTHORIZATION_SERVERS: 'https://a.example.com, https://b.example.com' }).mcp
        .authorizationServers,
    ).toEqual(['https://a.example.com', 'https://b.example.com']);
  });

  it('refuses bad values with one message each', () => {
    expect(() => loadConfig({ MESHGATE_MCP: 'yes' })).toThrow(/MESHGATE_MCP="yes"/);
    expect(() => loadConfig({ MCP_MAX_SESSIONS: '0' })).toThrow(
      /MCP_MAX_SESSIONS="0": must be from 1 to 100000/,
    );
    expect(() => loadConfig({ MCP_AUTHORIZATION_SERVERS: 'idp' })).toThrow(
      /MCP_AUTHORIZATION_SERVERS="idp": "idp" is not an absolute http\(s\) URL/,
    );
  });
});
