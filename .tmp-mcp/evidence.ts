import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startMesh } from '../gateway/cli/mesh.js';
import { createLogger } from '../gateway/common/logger.js';
import { toOpenLineage } from '../gateway/lineage/openlineage.js';
import type { LineageEvent } from '../gateway/lineage/types.js';
import { manifestOf } from '../gateway/persisted/index.js';
import { startGateway } from '../gateway/server.js';
import { dataProducts } from '../subgraphs/index.js';
import { testConfig } from '../test/support/mesh.js';
import { personaToken, TEST_HASH_KEY } from '../test/support/personas.js';

const CUSTOMERS = `# Customers with their country, a page at a time. Your row filters apply: a regional
# analyst gets the customers of their own countries only.
query Customers($first: Int = 100, $after: String) {
  customers(first: $first, after: $after) { totalCount edges { node { id name country email } } }
}`;
const mesh = await startMesh(testConfig(), createLogger('silent'), { ports: 'free', persistent: false });
const dir = mkdtempSync(join(tmpdir(), 'mcp-evidence-'));
writeFileSync(join(dir, 'm.json'), manifestOf([{ name: 'Customers', body: CUSTOMERS }]));
const config = testConfig({ MESHGATE_MCP: 'on', POLICY_HASH_KEY: TEST_HASH_KEY, SAFELIST_PATH: join(dir, 'm.json') });
const gateway = await startGateway(
  { ...config, port: 0, subgraphUrls: Object.fromEntries(mesh.subgraphs.map((s) => [s.name, s.url])) },
  createLogger('silent'),
  { descriptors: dataProducts.map((p) => p.descriptor) },
);
const show = (label: string, value: unknown) => console.log(`\n### ${label}\n${JSON.stringify(value, null, 2)}`);
try {
  const client = new Client({ name: 'claude-desktop-demo', version: '0.9.1' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL('/mcp', gateway.url), {
      requestInit: { headers: { authorization: `Bearer ${personaToken('analyst')}` } },
    }),
  );
  const { tools } = await client.listTools();
  show('tools/list', tools.map((t) => ({ name: t.name, description: t.description, inputSchema: t.inputSchema })));
  const call = async (name: string, args: Record<string, unknown>) => {
    show(`tools/call ${name} ${JSON.stringify(args)} (request)`, { name, arguments: args });
    try {
      const result = await client.callTool({ name, arguments: args });
      show(`tools/call ${name} (result)`, result.structuredContent ?? result);
    } catch (error) {
      show(`tools/call ${name} (JSON-RPC error)`, { code: (error as { code?: unknown }).code, message: (error as Error).message, data: (error as { data?: unknown }).data });
    }
  };
  await call('search_data_products', { field: 'email' });
  await call('describe_data_product', { product: 'customers' });
  await call('Customers', { first: 3 });
  await call('execute_graphql', { query: '{ customer(id: "1") { phone } }' });
  await call('request_access', { product: 'customers', fields: ['Customer.phone'], purpose: 'support', duration: '7d' });
  const resources = await client.listResources();
  show('resources/list', resources.resources.map((r) => r.uri));
  const events: LineageEvent[] = await (async () => {
    for (let i = 0; i < 100; i++) {
      const r = await fetch(new URL('/admin/lineage?principal=ana&since=1h', gateway.url), {
        headers: { authorization: `Bearer ${personaToken('data-steward')}` },
      });
      const { events } = (await r.json()) as { events: LineageEvent[] };
      if (events.length) return events;
      await new Promise((res) => setTimeout(res, 50));
    }
    return [];
  })();
  const event = events.find((e) => e.origin?.tool === 'Customers')!;
  show('lineage event (GET /admin/lineage)', event);
  show('OpenLineage run facet meshgate', toOpenLineage(event).run.facets.meshgate);
  const metrics = await (await fetch(new URL('/metrics', gateway.url))).text();
  console.log('\n### /metrics (mcp)\n' + metrics.split('\n').filter((l) => l.startsWith('meshgate_mcp')).join('\n'));
  await client.close();
} finally {
  await gateway.stop();
  await mesh.stop();
}
