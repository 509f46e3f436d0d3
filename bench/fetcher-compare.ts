import { RemoteGraphQLDataSource } from '@apollo/gateway';
import { BASE_ENV } from './contenders.js';
import { leanFetch } from '../gateway/subgraph-fetch/lean-fetch.js';
import { CONTEXT_HEADER, benchContextToken } from './context-token.js';
import { spawnProcess, waitForGraphQL } from './processes.js';
import { MESHGATE_BIN } from './subgraph-mesh.js';

/**
 * The subgraph fetcher alone: @apollo/gateway's default (make-fetch-happen), Node's built-in
 * fetch (undici) and undici's `request` (gateway/subgraph-fetch/lean-fetch.ts), all
 * keep-alive, the same requests to one catalog subgraph process.
 * CPU time of this process per fetch is the figure: unlike RPS it barely moves when other
 * processes load the machine. Rounds alternate so drift hits all alike.
 *
 * `node --import tsx bench/fetcher-compare.ts [requests per round] [concurrency]`
 */
const requests = Number(process.argv[2] ?? 2000);
const concurrency = Number(process.argv[3] ?? 16);
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

type Fetcher = RemoteGraphQLDataSource['fetcher'];
const makeFetchHappen: Fetcher = new RemoteGraphQLDataSource({ url: 'http://unused' }).fetcher;
const builtIn: Fetcher = (url, init) => fetch(url, init as RequestInit) as unknown as ReturnType<Fetcher>;
const lean: Fetcher = (url, init) =>
  leanFetch(url, init as Parameters<typeof leanFetch>[1]) as unknown as ReturnType<Fetcher>;

const proc = spawnProcess(
  'subgraph catalog',
  process.execPath,
  [MESHGATE_BIN, 'subgraph', 'catalog', '--port', '0'],
  { ...process.env, ...BASE_ENV, DATABASE_URL: databaseUrl },
);
try {
  const url = await proc.waitForLine(/^meshgate subgraph catalog: (\S+)/, 120_000);
  const headers = { 'content-type': 'application/json', [CONTEXT_HEADER]: benchContextToken() };
  await waitForGraphQL(url, proc, headers);
  // An entity fetch as the gateway sends it: 20 product representations.
  const body = JSON.stringify({
    query:
      'query($representations:[_Any!]!){_entities(representations:$representations){...on Product{sku name price{amount currency}}}}',
    variables: {
      representations: Array.from({ length: 20 }, (_, i) => ({
        __typename: 'Product',
        sku: `SKU-${String(i + 1).padStart(4, '0')}`,
      })),
    },
  });
  const round = async (fetcher: Fetcher) => {
    let next = 0;
    const cpu = process.cpuUsage();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next++ < requests) {
          const response = await fetcher(url, { method: 'POST', headers, body });
          const json = (await response.json()) as { errors?: unknown };
          if (json.errors) throw new Error(JSON.stringify(json.errors));
        }
      }),
    );
    const used = process.cpuUsage(cpu);
    return {
      cpuUsPerFetch: (used.user + used.system) / requests,
      rps: requests / ((performance.now() - started) / 1000),
    };
  };
  const fetchers = [
    ['make-fetch-happen', makeFetchHappen],
    ['built-in fetch', builtIn],
    ['undici request', lean],
  ] as const;
  const totals = new Map<string, number[]>(fetchers.map(([name]) => [name, []]));
  for (const [, fetcher] of fetchers) await round(fetcher); // warm each
  for (let i = 0; i < 5; i++) {
    for (const [name, fetcher] of fetchers) {
      const r = await round(fetcher);
      totals.get(name)!.push(r.cpuUsPerFetch);
      console.log(
        `${name.padEnd(18)} ${r.cpuUsPerFetch.toFixed(0).padStart(6)} µs CPU/fetch  ${r.rps.toFixed(0).padStart(6)} fetch/s`,
      );
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const medians = fetchers.map(([name]) => [name, median(totals.get(name)!)] as const);
  const lowest = Math.min(...medians.map(([, us]) => us));
  console.log(
    `median CPU per fetch: ${medians.map(([name, us]) => `${name} ${us.toFixed(0)} µs (${(us / lowest).toFixed(2)}×)`).join(', ')}`,
  );
} finally {
  await proc.stop();
}
