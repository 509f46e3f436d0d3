/**
 * `npm run soak`: the mesh under steady load for SOAK_SECONDS (default 180), lineage on a
 * private Redis with its own prefix. Reports RSS at the start (after warm-up) and at the end,
 * and lineage events sent (operations answered) vs stored (XLEN of the stream after a
 * graceful stop, which flushes the recorder). Not part of `npm test`: it takes minutes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { EXAMPLE_QUERY } from '../gateway/cli/example-query.js';
import { loadConfig } from '../gateway/config/config.js';
import { createLogger } from '../gateway/common/logger.js';
import { startMesh } from '../gateway/cli/mesh.js';
import { PrivateRedis } from '../test/support/redis-server.js';

const seconds = Number(process.argv[2] ?? 180);
const concurrency = 8;
const QUERIES = [
  EXAMPLE_QUERY,
  '{ customer(id: "7") { name orders(first: 5) { edges { node { id status } } } } }',
  '{ products(first: 10) { edges { node { sku name } } } }',
  '{ nope }',
];

const redis = await PrivateRedis.start();
const stateDir = mkdtempSync(join(tmpdir(), 'meshgate-soak-'));
const prefix = `meshgate:soak:${process.pid}:`;
const config = loadConfig({
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  HOST: '127.0.0.1',
  REDIS_URL: redis.url,
  LINEAGE_PREFIX: prefix,
  RATE_LIMIT_POINTS: '0',
});
// Its own spool; the state directory stays the default one, where the subgraphs' context-token key lives.
const mesh = await startMesh(
  { ...config, lineage: { ...config.lineage, spoolPath: join(stateDir, 'spool.ndjson') } },
  createLogger('warn'),
  { ports: 'free', persistent: false },
);
const url = mesh.gateway.url;
const statuses = new Map<number, number>();
const answers = new Map<string, string>();
let sent = 0;
const mb = () => Math.round(process.memoryUsage().rss / 1_048_576);

async function worker(until: number, index: number) {
  // Each worker rotates through the whole mix (one invalid operation in four, on purpose).
  for (let n = index; Date.now() < until; n++) {
    const query = QUERIES[n % QUERIES.length]!;
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    });
    const body = await response.text();
    // The first answer of each kind per query, so a surprise in the mix is visible in the report.
    const kind = `${response.status} ${query.slice(0, 40).replace(/\s+/g, ' ')}`;
    if (!answers.has(kind)) answers.set(kind, body.slice(0, 160));
    sent++;
    statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
  }
}

await Promise.all(Array.from({ length: concurrency }, (_, i) => worker(Date.now() + 10_000, i))); // warm-up
global.gc?.();
const rssStart = mb();
const sentBeforeSoak = sent;
const samples: number[] = [];
const sampler = setInterval(() => samples.push(mb()), 10_000);
await Promise.all(Array.from({ length: concurrency }, (_, i) => worker(Date.now() + seconds * 1_000, i)));
clearInterval(sampler);
global.gc?.();
const rssEnd = mb();
await mesh.stop(); // graceful: drains requests, flushes lineage
const client = new Redis(redis.url);
const stored = await client.xlen(`${prefix}events`);
client.disconnect();
await redis.stop();
rmSync(stateDir, { recursive: true, force: true });
const result = {
  seconds,
  concurrency,
  operations: sent - sentBeforeSoak,
  rps: Math.round((sent - sentBeforeSoak) / seconds),
  statuses: Object.fromEntries(statuses),
  answers: Object.fromEntries(answers),
  rssStartMb: rssStart,
  rssEndMb: rssEnd,
  rssSamplesMb: samples,
  lineageSent: sent,
  lineageStored: stored,
  lineageLost: sent - stored,
};
console.log(JSON.stringify(result, null, 2));
process.exit(result.lineageLost === 0 && !statuses.has(500) ? 0 : 1);
