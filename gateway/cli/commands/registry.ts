import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { loadConfig } from '../../config/config.js';
import { createLogger } from '../../common/logger.js';
import { ErrorCode, StartupError } from '../../common/errors.js';
import {
  callRegistry,
  refused,
  registryOption,
  tokenOption,
  type RegistryAnswer,
  type RegistryTarget,
} from '../registry-client.js';
import { portOption, stopOnSignal } from './lifecycle.js';

/**
 * `meshgate publish`, `meshgate rollback`, `meshgate registry`: how a domain team puts a new
 * version of its data product in service from its own repository, as itself (its token), and
 * takes it back; and `meshgate registry serve`, the service that holds the registry's store.
 * Nothing is read from the working directory but the files passed.
 */
export function registerRegistryCommands(program: Command): void {
  program
    .command('publish')
    .description("check a data product version and, if it passes, put it in the registry's supergraph")
    .requiredOption('--subgraph <name>', 'the data product (its contract names it and its team)')
    .requiredOption('--schema <file>', "the subgraph's SDL")
    .option('--contract <file>', 'its data contract (ODCS v3.1 YAML): its team.name owns the product')
    .option('--descriptor <file>', 'same as --contract')
    .option('--url <url>', 'where gateways reach the subgraph (default: the URL in service)')
    .addOption(registryOption())
    .addOption(tokenOption())
    .option('--json', 'print the answer as JSON')
    .action(async (options: ProductOptions & { url?: string }) => {
      const answer = await callRegistry(options, {
        method: 'POST',
        path: `/products/${encodeURIComponent(options.subgraph)}/publish`,
        body: productBody(options),
      });
      report(answer, options, 'publish', (b) => {
        const supergraph = b.supergraph as { version: number; id: string };
        return `published ${String(b.product)} v${String(b.version)} (team ${String(b.team)}) at ${String(b.url)}: supergraph v${supergraph.version} (${supergraph.id})`;
      });
    });

  program
    .command('rollback')
    .description("put a data product's previous version back in service")
    .requiredOption('--subgraph <name>', 'the data product to roll back')
    .addOption(registryOption())
    .addOption(tokenOption())
    .option('--json', 'print the answer as JSON')
    .action(async (options: RegistryTarget & { subgraph: string; json?: boolean }) => {
      const answer = await callRegistry(options, {
        method: 'POST',
        path: `/products/${encodeURIComponent(options.subgraph)}/rollback`,
      });
      report(answer, options, 'rollback', (b) => {
        const supergraph = b.supergraph as { version: number; id: string; reason: string };
        return `${supergraph.reason}: supergraph v${supergraph.version} (${supergraph.id})`;
      });
    });

  const registry = program
    .command('registry')
    .description("the schema registry: what is in service, a product's history, the audit log, the service");

  registry
    .command('list', { isDefault: true })
    .description('what is in service: the supergraph and each data product with its team')
    .addOption(registryOption())
    .addOption(tokenOption())
    .option('--json', 'print JSON')
    .action(async (options: RegistryTarget & { json?: boolean }) => {
      const answer = await callRegistry(options, { method: 'GET', path: '/products' });
      report(answer, options, 'list', (b) => {
        const s = b.supergraph as { version: number; id: string; reason: string; publishedBy: string } | null;
        const products = b.products as {
          name: string;
          version: number;
          url: string;
          team: string | null;
          publishedBy: string;
          publishedAt: string;
        }[];
        return [
          `registry: ${String(b.registry)}`,
          s ? `supergraph v${s.version} (${s.id}), ${s.reason}, by ${s.publishedBy}` : 'supergraph: none yet',
          ...products.map(
            (p) =>
              `  ${p.name} v${p.version}  team ${p.team ?? '(none)'}  ${p.url}  by ${p.publishedBy} at ${p.publishedAt}`,
          ),
        ].join('\n');
      });
    });

  registry
    .command('history')
    .description('every version of one data product, oldest first')
    .argument('<name>', 'the data product')
    .addOption(registryOption())
    .addOption(tokenOption())
    .option('--json', 'print JSON')
    .action(async (name: string, options: RegistryTarget & { json?: boolean }) => {
      const answer = await callRegistry(options, {
        method: 'GET',
        path: `/products/${encodeURIComponent(name)}/history`,
      });
      report(
        answer,
        options,
        'history',
        (b) =>
          (
            b.versions as {
              name: string;
              version: number;
              team: string | null;
              url: string;
              publishedBy: string;
              publishedAt: string;
            }[]
          )
            .map(
              (v) =>
                `${v.name} v${v.version}  team ${v.team ?? '(none)'}  ${v.url}  by ${v.publishedBy} at ${v.publishedAt}`,
            )
            .join('\n') || `${name}: no version published`,
      );
    });

  registry
    .command('audit')
    .description('the audit log of registry writes, refused ones included, newest first')
    .option('--product <name>', 'only this data product')
    .option('--limit <n>', 'at most this many lines', '50')
    .addOption(registryOption())
    .addOption(tokenOption())
    .option('--json', 'print JSON')
    .action(async (options: RegistryTarget & { product?: string; limit: string; json?: boolean }) => {
      const query = new URLSearchParams({ limit: options.limit });
      if (options.product !== undefined) query.set('product', options.product);
      const answer = await callRegistry(options, { method: 'GET', path: `/audit?${query.toString()}` });
      report(
        answer,
        options,
        'audit',
        (b) => (b.entries as AuditLine[]).map(auditLine).join('\n') || 'no audit lines',
      );
    });

  registry
    .command('serve')
    .description(
      "run the registry service: the HTTP API teams publish through; it alone holds the store's credentials",
    )
    .addOption(portOption())
    .action(async (options: { port?: string }) => {
      const config = loadConfig();
      const logger = createLogger(config.logLevel);
      const port = options.port === undefined ? undefined : Number(options.port);
      if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65_535))
        throw new StartupError(ErrorCode.CONFIG_INVALID, `--port ${options.port}: must be from 0 to 65535`);
      const { startRegistryServer } = await import('../../../schema/registry/service/serve-registry.js');
      const server = await startRegistryServer(config, logger, { port });
      console.log(`meshgate registry: ${server.url}/registry/v1`);
      stopOnSignal(logger, server, { timeoutMs: config.shutdownTimeoutMs });
    });
}

interface ProductOptions extends RegistryTarget {
  subgraph: string;
  schema: string;
  contract?: string | undefined;
  descriptor?: string | undefined;
  url?: string | undefined;
  json?: boolean | undefined;
}

interface AuditLine {
  time: string;
  action: string;
  subject: string;
  teams: string[];
  team: string | null;
  product: string;
  version: number | null;
  outcome: string;
  code: string | null;
  message: string;
}

/** One audit line as text: time, who (teams), what, outcome and code. */
export function auditLine(e: AuditLine): string {
  return `${e.time}  ${e.action} ${e.product}${e.version === null ? '' : ` v${e.version}`}  by ${e.subject} [${e.teams.join(' ')}]  team ${e.team ?? '-'}  ${e.outcome}${e.code ? ` ${e.code}` : ''}: ${e.message}`;
}

/** `{ sdl, contract, url? }` from the files passed: the only files a publish or check reads. */
export function productBody(options: ProductOptions): Record<string, unknown> {
  const contract = options.contract ?? options.descriptor;
  if (contract === undefined)
    throw new StartupError(
      ErrorCode.BAD_USER_INPUT,
      "--contract FILE is required: the data contract names the product's team (meshgate contract init drafts one)",
    );
  return {
    sdl: readFileOrFail(options.schema, '--schema'),
    contract: readFileOrFail(contract, '--contract'),
    ...(options.url !== undefined && { url: options.url }),
  };
}

function report(
  answer: RegistryAnswer,
  options: { json?: boolean | undefined },
  what: string,
  text: (body: Record<string, unknown>) => string,
): void {
  if (typeof answer.body.report === 'string' && answer.body.report && !options.json)
    console.log(answer.body.report);
  if (!answer.ok) {
    if (options.json) console.log(JSON.stringify(answer.body, null, 2));
    throw refused(answer, what);
  }
  console.log(options.json ? JSON.stringify(answer.body, null, 2) : text(answer.body));
}

function readFileOrFail(path: string, flag: string): string {
  try {
    return readFileSync(resolve(path), 'utf8');
  } catch (cause) {
    throw new StartupError(
      ErrorCode.BAD_USER_INPUT,
      `${flag} ${path}: cannot read (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`,
      cause,
    );
  }
}
