import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  StreamableHTTPClientTransport,
  StreamableHTTPError,
} from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningMesh } from '../gateway/cli/mesh.js';
import { createLogger } from '../gateway/common/logger.js';
import { toOpenLineage } from '../gateway/lineage/openlineage.js';
import type { LineageEvent } from '../gateway/lineage/types.js';
import { manifestOf } from '../gateway/persisted/index.js';
import { startGateway, type RunningGateway } from '../gateway/server.js';
import { dataProducts } from '../subgraphs/index.js';
import { graphql, sharedMesh, testConfig } from './support/mesh.js';
import { bearer, personaHeaders, personaToken, TEST_HASH_KEY } from './support/personas.js';

/**
 * The MCP endpoint end to end, with the SDK's own client over Streamable HTTP: the tools, the
 * analyst's own decisions, a published operation under a row filter, execute_graphql off and
 * on (its limits and the rate), the lineage event naming the MCP client and the tool, the
 * metrics, and bad input answered as JSON-RPC errors with a code while the process stays up.
 */
const CUSTOMERS = `# Customers with their country, a page at a time. Your row filters apply: a regional
# analyst gets the customers of their own countries only.
query Customers($first: Int = 100, $after: String) {
  customers(first: $first, after: $after) {
    totalCount
    edges {
      node {
        id
        name
        country
      }
    }
  }
}`;
const CLIENT = { name: 'meshgate-test', version: '1.0.0' };

let mesh: RunningMesh;
let gateway: RunningGateway;
let adhoc: RunningGateway;
const clients: Client[] = [];

const mcpUrl = (g: RunningGateway) => new URL('/mcp', g.url);

/** A gateway over the shared mesh's products, with their contracts (describe_data_product and the resources read them). */
function mcpGateway(env: Record<string, string>): Promise<RunningGateway> {
  const config = testConfig({
    MESHGATE_LINEAGE: 'off',
    POLICY_HASH_KEY: TEST_HASH_KEY,
    MESHGATE_MCP: 'on',
    ...env,
  });
  const subgraphUrls = Object.fromEntries(mesh.subgraphs.map((s) => [s.name, s.url]));
  return startGateway({ ...config, port: 0, subgraphUrls }, createLogger('silent'), {
    descriptors: dataProducts.map((p) => p.descriptor),
  });
}

async function connect(
  g: RunningGateway,
  token?: string,
  options: { sessionId?: string; client?: typeof CLIENT } = {},
): Promise<Client> {
  const client = new Client(options.client ?? CLIENT);
  const transport = new StreamableHTTPClientTransport(mcpUrl(g), {
    requestInit: { headers: bearer(token) },
    ...(options.sessionId && { sessionId: options.sessionId }),
  });
  if (!options.sessionId) await client.connect(transport);
  else await client.connect(transport).catch(() => undefined);
  clients.push(client);
  return client;
}

function structured(result: unknown): Record<string, unknown> {
  return (result as CallToolResult).structuredContent as Record<string, unknown>;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

async function until<T>(check: () => Promise<T | undefined>, what: string, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

beforeAll(async () => {
  mesh = await sharedMesh();
  const dir = mkdtempSync(join(tmpdir(), 'meshgate-mcp-'));
  const manifest = join(dir, 'manifest.json');
  writeFileSync(manifest, manifestOf([{ name: 'Customers', body: CUSTOMERS }]));
  gateway = await mcpGateway({
    MESHGATE_LINEAGE: 'on',
    SAFELIST_PATH: manifest,
    MAX_BODY_BYTES: '65536',
  });
  adhoc = await mcpGateway({ MCP_EXECUTE_GRAPHQL: 'on', RATE_LIMIT_POINTS: '3' });
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await gateway?.stop();
  await adhoc?.stop();
});

describe('MCP tools', () => {
  it('lists meshgate tools and one per published operation, with its variables as JSON Schema', async () => {
    const client = await connect(gateway, personaToken('analyst'));
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'Customers',
      'describe_data_product',
      'request_access',
      'search_data_products',
    ]);
    const customers = tools.find((t) => t.name === 'Customers')!;
    expect(customers.description).toBe(
      'Customers with their country, a page at a time. Your row filters apply: a regional\nanalyst gets the customers of their own countries only.',
    );
    expect(customers.inputSchema).toEqual({
      type: 'object',
      properties: {
        first: { type: ['integer', 'null'], minimum: -2147483648, maximum: 2147483647, default: 100 },
        after: { type: ['string', 'null'] },
      },
      additionalProperties: false,
    });
    expect(customers.annotations?.readOnlyHint).toBe(true);
  });

  it('shows the analyst their own decision per field: Customer.email masked (hash), phone denied', async () => {
    const client = await connect(gateway, personaToken('analyst'));
    const described = structured(
      await client.callTool({ name: 'describe_data_product', arguments: { product: 'customers' } }),
    );
    const fields = (
      described.types as {
        name: string;
        fields: { coordinate: string; decision: unknown; classification: string[] }[];
      }[]
    ).flatMap((t) => t.fields);
    const field = (c: string) => fields.find((f) => f.coordinate === c);
    expect(field('Customer.email')?.decision).toEqual({
      effect: 'mask',
      strategy: 'hash',
      rule: 'analyst-email-hashed',
    });
    expect(field('Customer.email')?.classification).toEqual(['pii']);
    expect(field('Customer.phone')?.decision).toEqual({ effect: 'deny', rule: 'analyst-no-phone' });
    expect(field('Customer.birthDate')?.decision).toEqual({
      effect: 'mask',
      strategy: 'year',
      rule: 'analyst-birth-year',
    });
    expect(field('Customer.name')?.decision).toEqual({ effect: 'allow', rule: 'customer-name-shown' });
    expect((described.contract as { owner: { team: string } }).owner.team).toBe('customer-data');

    const search = structured(
      await client.callTool({ name: 'search_data_products', arguments: { field: 'Customer.email' } }),
    );
    expect((search.products as { name: string }[]).map((p) => p.name)).toEqual(['customers']);
    const access = (search.products as { yourAccess: Record<string, unknown> }[])[0]!.yourAccess;
    expect(access).toMatchObject({ fieldsMasked: 2, fieldsDenied: 1, rowFiltered: [] });

    const contract = await client.readResource({ uri: 'meshgate://contracts/customers' });
    expect(contract.contents[0]).toMatchObject({ mimeType: 'application/yaml' });
    expect((contract.contents[0] as { text: string }).text).toContain('dataProduct: customers');
  });

  it('runs a published operation for the regional analyst: only DE and AT customers', async () => {
    const steward = await graphql<{ de: { totalCount: number }; at: { totalCount: number } }>(
      gateway.url,
      '{ de: customers(filter: { country: "DE" }) { totalCount } at: customers(filter: { country: "AT" }) { totalCount } }',
      { headers: personaHeaders('data-steward') },
    );
    const expected = steward.body.data!.de.totalCount + steward.body.data!.at.totalCount;
    expect(expected).toBeGreaterThan(0);

    const client = await connect(gateway, personaToken('regional-analyst'));
    const describe = structured(
      await client.callTool({ name: 'describe_data_product', arguments: { product: 'customers' } }),
    );
    const customer = (describe.types as { name: string; rowFilter: unknown }[]).find(
      (t) => t.name === 'Customer',
    );
    expect(customer?.rowFilter).toEqual({ rule: 'regional-analyst-customers', rows: 'country in [DE, AT]' });

    const result = await client.callTool({ name: 'Customers', arguments: { first: 100 } });
    expect(result.isError).toBeUndefined();
    const page = (
      structured(result).data as { customers: { totalCount: number; edges: { node: { country: string } }[] } }
    ).customers;
    expect(page.totalCount).toBe(expected);
    expect(new Set(page.edges.map((e) => e.node.country))).toEqual(new Set(['DE', 'AT']));
  });

  it('records the lineage event with the MCP client and the tool', async () => {
    const steward = personaHeaders('data-steward');
    const event = await until(async () => {
      const response = await fetch(new URL('/admin/lineage?principal=rea&since=1h', gateway.url), {
        headers: steward,
      });
      const { events } = (await response.json()) as { events: LineageEvent[] };
      return events.find((e) => e.origin?.tool === 'Customers');
    }, 'the lineage event of the MCP call');
    expect(event.client).toEqual({ name: 'mcp:meshgate-test/1.0.0', version: '1.0.0' });
    expect(event.origin).toEqual({ kind: 'mcp', tool: 'Customers' });
    expect(event.operation.name).toBe('Customers');
    expect(event.rowFilters).toEqual([
      { type: 'Customer', rule: 'regional-analyst-customers', subgraph: 'customers' },
    ]);
    expect(event.fields.map((f) => f.coordinate)).toContain('Customer.country');
    const openLineage = toOpenLineage(event);
    expect(openLineage.run.facets.meshgate).toMatchObject({
      client: { name: 'mcp:meshgate-test/1.0.0' },
      origin: { kind: 'mcp', tool: 'Customers' },
    });
  });

  it('gives an anonymous caller exactly what an anonymous /graphql caller gets', async () => {
    const client = await connect(gateway);
    const viaMcp = structured(await client.callTool({ name: 'Customers', arguments: { first: 5 } }));
    const viaGraphql = await graphql(gateway.url, CUSTOMERS, { variables: { first: 5 } });
    expect(viaMcp).toEqual(viaGraphql.body);
    const search = await client.callTool({ name: 'search_data_products', arguments: {} });
    expect(search.isError).toBe(true);
    expect(structured(search)).toEqual({
      error: {
        code: 'CATALOG_FORBIDDEN',
        message: 'The catalog is for the roles analyst, admin, data-steward',
      },
    });
  });

  it('files an access request as the console does', async () => {
    const client = await connect(gateway, personaToken('analyst'));
    const result = await client.callTool({
      name: 'request_access',
      arguments: { product: 'customers', fields: ['Customer.phone'], purpose: 'support', duration: '7d' },
    });
    const { request } = structured(result) as { request: Record<string, unknown> };
    expect(request).toMatchObject({
      product: 'customers',
      fields: ['Customer.phone'],
      requestedBy: 'ana',
      status: 'pending',
      durationSeconds: 604_800,
    });
    // The approver the contract names sees it pending, as a request filed in the console.
    const approver = personaToken('data-steward', { sub: 'customer-data-lead', roles: [] });
    const pending = await fetch(new URL('/admin/access-requests', gateway.url), {
      headers: bearer(approver),
    });
    const { requests } = (await pending.json()) as { requests: { id: string; status: string }[] };
    expect(requests.find((r) => r.id === request.id)?.status).toBe('pending');
  });
});

describe('MCP refusals', () => {
  it('refuses execute_graphql while it is off (MCP_EXECUTE_GRAPHQL=off)', async () => {
    const client = await connect(gateway, personaToken('analyst'));
    const error = await rejection(
      client.callTool({ name: 'execute_graphql', arguments: { query: '{ __typename }' } }),
    );
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).code).toBe(-32602);
    expect((error as McpError).data).toEqual({ code: 'MCP_TOOL_DISABLED' });
  });

  it('answers an unknown tool and wrong arguments with JSON-RPC errors and codes', async () => {
    const client = await connect(gateway, personaToken('analyst'));
    const unknown = (await rejection(client.callTool({ name: 'drop_tables', arguments: {} }))) as McpError;
    expect([unknown.code, unknown.data]).toEqual([-32602, { code: 'MCP_UNKNOWN_TOOL' }]);
    const wrong = (await rejection(
      client.callTool({ name: 'Customers', arguments: { first: 'ten', limit: 3 } }),
    )) as McpError;
    expect(wrong.code).toBe(-32602);
    expect(wrong.data).toEqual({
      code: 'MCP_INVALID_ARGUMENTS',
      problems: ['/: must NOT have additional properties (limit)', '/first: must be integer,null'],
    });
    const missing = (await rejection(
      client.callTool({ name: 'describe_data_product', arguments: {} }),
    )) as McpError;
    expect(missing.data).toMatchObject({ code: 'MCP_INVALID_ARGUMENTS' });
    // Still serving.
    expect((await client.listTools()).tools.length).toBe(4);
  });

  it('answers an oversize request and a session that is gone with JSON-RPC errors', async () => {
    const client = await connect(gateway, personaToken('analyst'));
    const big = (await rejection(
      client.callTool({ name: 'Customers', arguments: { after: 'x'.repeat(70_000) } }),
    )) as StreamableHTTPError;
    expect(big).toBeInstanceOf(StreamableHTTPError);
    expect(big.code).toBe(413);
    const body = JSON.parse(big.message.slice(big.message.indexOf('{'))) as {
      error: { code: number; data: unknown };
    };
    expect(body.error).toMatchObject({
      code: -32600,
      data: { code: 'PAYLOAD_TOO_LARGE', maxBodyBytes: 65536 },
    });

    const gone = await connect(gateway, personaToken('analyst'), {
      sessionId: 'f9b1c0de-0000-4000-8000-000000000000',
    });
    const notFound = (await rejection(gone.listTools())) as StreamableHTTPError;
    expect(notFound.code).toBe(404);
    expect(notFound.message).toContain('"code":-32001');
    expect(notFound.message).toContain('MCP_SESSION_NOT_FOUND');

    // Another principal cannot use a session it did not open.
    const transport = client.transport as StreamableHTTPClientTransport;
    const other = await connect(gateway, personaToken('finance'), { sessionId: transport.sessionId! });
    const forbidden = (await rejection(other.listTools())) as StreamableHTTPError;
    expect([forbidden.code, forbidden.message.includes('MCP_SESSION_FORBIDDEN')]).toEqual([403, true]);

    // A terminated session is gone too; the process stays up and serves new sessions.
    await transport.terminateSession();
    const ended = await connect(gateway, personaToken('analyst'), {
      sessionId: transport.sessionId ?? 'none',
    });
    expect(((await rejection(ended.listTools())) as StreamableHTTPError).code).toBe(404);
    expect((await (await connect(gateway, personaToken('analyst'))).listTools()).tools.length).toBe(4);
  });

  it('challenges a bad token with the RFC 9728 metadata URL, which names the resource', async () => {
    const response = await fetch(mcpUrl(gateway), {
      method: 'POST',
      headers: {
        authorization: 'Bearer not-a-jwt',
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    expect(response.status).toBe(401);
    const origin = new URL(gateway.url).origin;
    expect(response.headers.get('www-authenticate')).toBe(
      `Bearer resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp", error="invalid_token"`,
    );
    expect(await response.json()).toMatchObject({
      jsonrpc: '2.0',
      error: { code: -32000, data: { code: 'TOKEN_INVALID' } },
    });
    const metadata = await (await fetch(`${origin}/.well-known/oauth-protected-resource/mcp`)).json();
    expect(metadata).toMatchObject({ resource: `${origin}/mcp`, bearer_methods_supported: ['header'] });
  });

  it('counts tool calls by tool and outcome', async () => {
    const metrics = await (await fetch(new URL('/metrics', gateway.url))).text();
    expect(metrics).toMatch(/meshgate_mcp_tool_calls_total\{tool="Customers",outcome="ok"\} [1-9]/);
    expect(metrics).toMatch(/meshgate_mcp_tool_calls_total\{tool="__unknown",outcome="invalid"\} 1/);
    expect(metrics).toMatch(/meshgate_mcp_tool_calls_total\{tool="execute_graphql",outcome="invalid"\} 1/);
    expect(metrics).toMatch(/meshgate_mcp_sessions [0-9]+/);
  });
});

describe('execute_graphql (MCP_EXECUTE_GRAPHQL=on)', () => {
  it('applies the limits and the rate through MCP', async () => {
    const client = await connect(adhoc, personaToken('support'));
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('execute_graphql');

    const deep = await client.callTool({
      name: 'execute_graphql',
      arguments: {
        query: `{ customer(id: "1") { ${'orders { edges { node { customer { '.repeat(4)}id${' } } } }'.repeat(4)} } }`,
      },
    });
    expect(deep.isError).toBe(true);
    expect(JSON.stringify(structured(deep))).toContain('DEPTH_LIMIT_EXCEEDED');

    const ok = (n: number) =>
      client.callTool({
        name: 'execute_graphql',
        arguments: { query: `query Q${n} { customer(id: "1") { id name } }` },
      });
    for (const n of [1, 2, 3]) expect((await ok(n)).isError).toBeUndefined();
    const limited = await ok(4);
    expect(limited.isError).toBe(true);
    const errors = (structured(limited).errors as { extensions: { code: string } }[]).map(
      (e) => e.extensions.code,
    );
    expect(errors).toEqual(['RATE_LIMITED']);
    const metrics = await (await fetch(new URL('/metrics', adhoc.url))).text();
    expect(metrics).toMatch(/meshgate_mcp_tool_calls_total\{tool="execute_graphql",outcome="rejected"\} 2/);
    expect(metrics).toMatch(/meshgate_mcp_tool_calls_total\{tool="execute_graphql",outcome="ok"\} 3/);
  });
});
