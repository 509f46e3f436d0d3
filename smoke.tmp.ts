import { dataProducts } from './subgraphs/index.js';
import { startSubgraph } from './subgraphs/kit/server.js';
const url = process.argv[2];
const t0 = Date.now();
const running = await Promise.all(dataProducts.map(p => startSubgraph(p, { port: 0, host: '127.0.0.1', databaseUrl: url })));
console.log('started in', Date.now() - t0, 'ms', running.map(r => `${r.name}:${r.seeded}:${r.port}`).join(' '));
for (const r of running) {
  const res = await fetch(r.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ _service { sdl } }' }) });
  console.log(r.name, res.status);
}
const q = await fetch(running[2]!.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ orders(first: 2, filter:{status: DELIVERED}) { totalCount edges { cursor node { id status placedAt total { amount currency } lines { lineNumber quantity product { sku name } unitPrice { amount } } } } pageInfo { hasNextPage endCursor } } }' }) });
console.log(JSON.stringify(await q.json()));
const c = await fetch(running[0]!.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ customers(first: 2) { edges { node { id name email phone birthDate country segment createdAt } } } }' }) });
console.log(JSON.stringify(await c.json()));
for (const r of running) { const [n] = await r.db.query<{n:number}>(`SELECT count(*)::int n FROM ${r.name === 'customers' ? 'customers' : r.name === 'catalog' ? 'products' : r.name === 'shipping' ? 'shipments' : r.name}`); console.log(r.name, n); }
await Promise.all(running.map(r => r.stop()));
