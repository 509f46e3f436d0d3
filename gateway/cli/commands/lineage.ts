import {
  askGateway,
  gatewayBase,
  gatewayOptions,
  gatewayToken,
  namedGateway,
  type GatewayFlags,
} from '../gateway-target.js';
import { writeFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import { loadConfig, type MeshgateConfig } from '../../config/config.js';
import { ErrorCode, StartupError } from '../../common/errors.js';
import { lineageStore } from '../../lineage/create-lineage.js';
import {
  consumersOf,
  openLineageValidator,
  parseSince,
  postOpenLineage,
  toOpenLineage,
  type LineageEvent,
  type LineageStore,
  type RedisLineageStore,
} from '../../lineage/index.js';
import type { DatasetInputFacets } from '../../lineage/openlineage.js';
import { qualityFacets } from '../../health/index.js';
import { productQualityFromRedis } from '../redis-health.js';
import { openRedis } from '../../redis/redis-connection.js';

interface FilterFlags {
  product?: string;
  since: string;
  principal?: string;
  field?: string;
  limit: string;
}

/** `meshgate lineage`: read what the gateway recorded (needs REDIS_URL), export it, measure it. */
export function registerLineageCommand(program: Command): void {
  const lineage = program
    .command('lineage')
    .description('who read what: query, tail, consumers, OpenLineage export');

  gatewayOptions(
    withFilters(lineage.command('query').description('lineage events matching the filters, oldest first')),
  )
    .option('--json', 'one JSON event per line')
    .action(async (flags: FilterFlags & GatewayFlags & { json?: boolean }) => {
      // --url (or MESHGATE_URL): a running gateway's GET /admin/lineage, from any directory.
      const events = namedGateway(flags)
        ? await eventsFromGateway(flags)
        : await withStore((store) => store.query(filterOf(flags)));
      for (const event of events) console.log(flags.json ? JSON.stringify(event) : describe(event));
      if (!flags.json) console.error(`${events.length} event(s)`);
    });

  lineage
    .command('consumers')
    .description("a data product's consumers: principal, fields read, operations, last seen")
    .requiredOption('--product <name>', 'the data product')
    .option('--since <when>', 'duration back (30m, 24h, 7d) or ISO time', '7d')
    .option('--json', 'JSON')
    .action(async (flags: { product: string; since: string; json?: boolean }) => {
      const events = await withStore((store) =>
        store.query({ since: parseSince(flags.since), product: flags.product, limit: 1_000_000 }),
      );
      const consumers = consumersOf(events, flags.product);
      if (flags.json) return console.log(JSON.stringify({ product: flags.product, consumers }, null, 2));
      for (const c of consumers)
        console.log(`${c.principal}\t${c.count} operation(s)\tlast ${c.lastSeen}\t${c.fields.join(', ')}`);
      console.error(`${consumers.length} consumer(s) of ${flags.product}`);
    });

  lineage
    .command('tail')
    .description('follow new lineage events as the gateway stores them (Ctrl-C to stop)')
    .option('--json', 'one JSON event per line')
    .action(async (flags: { json?: boolean }) => {
      const config = loadConfig();
      const store = await redisOnly(await openStore(config));
      // Its own connection, without a command timeout: XREAD BLOCK 0 waits as long as it takes.
      const reader = openRedis(config.lineage.redis!, { offlineQueue: true, maxRetriesPerRequest: 1 });
      process.once('SIGINT', () => {
        reader.disconnect();
        void store.close().then(() => process.exit(0));
      });
      let last = '$';
      for (;;) {
        const answer = (await reader.xread('BLOCK', 0, 'STREAMS', store.streamKey, last)) as
          [string, [string, string[]][]][] | null;
        for (const [, entries] of answer ?? []) {
          last = entries[entries.length - 1]?.[0] ?? last;
          for (const event of await store.decode(entries.map(([, fields]) => fields)))
            console.log(flags.json ? JSON.stringify(event) : describe(event));
        }
      }
    });

  withFilters(
    lineage
      .command('export')
      .description('lineage events as OpenLineage RunEvents (one JSON per line), each validated'),
  )
    .addOption(
      new Option('--format <format>', 'output format').choices(['openlineage']).default('openlineage'),
    )
    .option('-o, --out <file>', 'write to a file instead of stdout')
    .option(
      '--post [url]',
      'also POST each event to an OpenLineage endpoint (default OPENLINEAGE_URL), with retries',
    )
    .action(async (flags: FilterFlags & { out?: string; post?: string | boolean }) => {
      const config = loadConfig();
      const events = await withStore((store) => store.query(filterOf(flags)));
      const validate = openLineageValidator();
      // Each product's health on its dataset (dataQualityMetrics, dataQualityAssertions), as every
      // replica measured it; without it (SLIs off, Redis unreadable) the events go without.
      const facets = await healthFacets(config);
      const runs = events.map((e) => toOpenLineage(e, config.lineage.openLineageNamespace, facets));
      for (const run of runs) {
        const problems = validate(run);
        if (problems.length > 0)
          throw new StartupError(
            ErrorCode.LINEAGE_EXPORT_INVALID,
            `run ${run.run.runId} does not validate: ${problems.slice(0, 3).join('; ')}`,
          );
      }
      const text = runs.map((r) => JSON.stringify(r)).join('\n') + (runs.length ? '\n' : '');
      if (flags.out) writeFileSync(flags.out, text);
      else process.stdout.write(text);
      console.error(`${runs.length} OpenLineage RunEvent(s), all valid`);
      if (flags.post) {
        const url = typeof flags.post === 'string' ? flags.post : config.lineage.openLineageUrl;
        if (!url) throw new StartupError(ErrorCode.CONFIG_INVALID, '--post needs a URL or OPENLINEAGE_URL');
        const { posted, attempts } = await postOpenLineage(runs, { url });
        console.error(`posted ${posted} event(s) to ${url} in ${attempts} request(s)`);
      }
    });
}

function withFilters(command: Command): Command {
  return command
    .option('--product <name>', 'events that read this data product')
    .option('--since <when>', 'duration back (30s, 15m, 1h, 7d) or ISO time', '1h')
    .option('--principal <sub>', "events of this principal (the token's sub)")
    .option('--field <Type.field>', 'events that read this coordinate')
    .option('--limit <n>', 'at most this many, the newest', '1000');
}

function filterOf(flags: FilterFlags) {
  const limit = Number(flags.limit);
  if (!Number.isInteger(limit) || limit < 1)
    throw new StartupError(ErrorCode.BAD_USER_INPUT, `--limit "${flags.limit}" must be a positive integer`);
  return {
    since: parseSince(flags.since),
    product: flags.product,
    principal: flags.principal,
    field: flags.field,
    limit,
  };
}

function describe(e: LineageEvent): string {
  const masked = e.fields.filter((f) => f.decision.effect === 'mask').length;
  const denied = e.fields.filter((f) => f.decision.effect === 'deny').length;
  return `${e.time}  ${e.principal.sub}  ${e.operation.name ?? '(anonymous)'}  ${e.outcome}  ${e.durationMs}ms  products=${e.products.join(',')}  fields=${e.fields.length} masked=${masked} denied=${denied}  id=${e.id}`;
}

async function openStore(config: MeshgateConfig = loadConfig()): Promise<LineageStore> {
  if (!config.lineage.redis) throw noRedis();
  return lineageStore(config.lineage, { connect: true });
}

async function withStore<T>(use: (store: LineageStore) => Promise<T>): Promise<T> {
  const store = await openStore();
  try {
    return await use(store);
  } finally {
    await store.close();
  }
}

async function redisOnly(store: LineageStore): Promise<RedisLineageStore> {
  if (store.kind !== 'redis') throw noRedis();
  return store as RedisLineageStore;
}

function noRedis(): StartupError {
  return new StartupError(
    ErrorCode.LINEAGE_STORE_UNAVAILABLE,
    'REDIS_URL is not set: without it lineage lives in the gateway process (read it at GET /admin/lineage)',
  );
}

async function healthFacets(config: MeshgateConfig): Promise<DatasetInputFacets> {
  if (!config.sli.enabled || !config.sli.redis) return new Map();
  try {
    return qualityFacets(await productQualityFromRedis(config));
  } catch (cause) {
    console.error(`health facets left out: cannot read SLIs from Redis (${(cause as Error).message})`);
    return new Map();
  }
}

/** GET /admin/lineage of a running gateway with the same filters, as a data steward. */
async function eventsFromGateway(flags: FilterFlags & GatewayFlags): Promise<LineageEvent[]> {
  const config = loadConfig();
  const base = gatewayBase(config, flags);
  filterOf(flags); // the same checks as a local query, before anything is sent
  const query = new URLSearchParams({ since: flags.since, limit: flags.limit });
  for (const [name, value] of [
    ['product', flags.product],
    ['principal', flags.principal],
    ['field', flags.field],
  ] as const)
    if (value) query.set(name, value);
  const { events } = await askGateway<{ events: LineageEvent[] }>({
    base,
    token: gatewayToken(config, flags, { sub: 'meshgate-lineage', roles: ['data-steward'] }),
    path: `/admin/lineage?${query}`,
    code: ErrorCode.LINEAGE_STORE_UNAVAILABLE,
  });
  return events;
}
