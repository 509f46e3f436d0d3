import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { readGovernanceConfig } from '../../../schema/check/index.js';
import {
  contractText,
  draftContract,
  draftContractText,
  readContractFile,
  REVIEW_PROPERTY,
  reviewMarks,
} from '../../../schema/contract/index.js';
import { localContractDescriptors } from '../../supergraph/contract-descriptors.js';
import { loadConfig } from '../../config/config.js';
import { CONTRACT_FILE, type DataProductDescriptor } from '../../protocol/index.js';
import { ErrorCode, StartupError } from '../../common/errors.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * `meshgate contract init|export|import`: a data product's ODCS v3.1 contract drafted from an SDL,
 * and in and out of the repository.
 */
export function registerContractCommand(program: Command): void {
  const contract = program
    .command('contract')
    .description("data products' contracts (Open Data Contract Standard v3.1)");

  contract
    .command('export')
    .description("print a data product's contract as ODCS YAML")
    .requiredOption('--product <name>', 'a data product in CONTRACTS_DIR (default: subgraphs/)')
    .option('--format <format>', 'odcs (YAML, the only format)', 'odcs')
    .action((options: { product: string; format: string }) => {
      if (options.format !== 'odcs')
        throw new StartupError(
          ErrorCode.BAD_USER_INPUT,
          `--format ${options.format}: the only format is odcs`,
        );
      process.stdout.write(contractText(localDescriptor(options.product).contract));
    });

  contract
    .command('init')
    .description(
      'draft an ODCS v3.1 contract from any federation SDL: every object and property, classifications and an SLA to review',
    )
    .requiredOption('--schema <file>', "the product's SDL (Apollo Federation 2)")
    .requiredOption('--team <slug>', 'the owning team (the registry gives the product to it)')
    .requiredOption('--domain <name>', 'the business domain')
    .option('--name <name>', "the data product's name (default: from the schema file's name or folder)")
    .option('--email <address>', "the team's contact address (default: a placeholder to review)")
    .option('--out <file>', 'write the draft there instead of printing it')
    .option(
      '--governance <file>',
      'the personal-data patterns (default: the platform’s schema/governance.yaml)',
    )
    .action(
      (options: {
        schema: string;
        team: string;
        domain: string;
        name?: string;
        email?: string;
        out?: string;
        governance?: string;
      }) => {
        const schemaFile = resolve(options.schema);
        let sdl: string;
        try {
          sdl = readFileSync(schemaFile, 'utf8');
        } catch (cause) {
          throw new StartupError(
            ErrorCode.BAD_USER_INPUT,
            `--schema ${options.schema}: ${(cause as Error).message}`,
            cause,
          );
        }
        const name = options.name ?? productNameFrom(schemaFile);
        if (!/^[a-z][a-z0-9-]*$/.test(name))
          throw new StartupError(
            ErrorCode.BAD_USER_INPUT,
            `--name ${name}: must be a-z, 0-9 and -, starting with a letter`,
          );
        if (!/^[a-z0-9][a-z0-9-]*$/.test(options.team))
          throw new StartupError(
            ErrorCode.BAD_USER_INPUT,
            `--team ${options.team}: must be a team slug (a-z, 0-9, -)`,
          );
        const governance = readGovernanceConfig(
          options.governance ? resolve(options.governance) : join(ROOT, 'schema', 'governance.yaml'),
        );
        let draft: Record<string, unknown>;
        try {
          draft = draftContract({
            sdl,
            name,
            team: options.team,
            domain: options.domain,
            email: options.email,
            personalData: governance.personalData,
          });
        } catch (cause) {
          throw new StartupError(
            ErrorCode.BAD_USER_INPUT,
            `--schema ${options.schema}: ${(cause as Error).message}`,
            cause,
          );
        }
        const text = draftContractText(draft, basename(schemaFile));
        if (!options.out) return void process.stdout.write(text);
        writeFileSync(resolve(options.out), text);
        const marks = reviewMarks(draft).length;
        console.log(
          `drafted the contract of ${name} (team ${options.team}, domain ${options.domain}) in ${options.out}: ` +
            `${(draft.schema as unknown[]).length} objects, ${marks} entries to review (${REVIEW_PROPERTY})`,
        );
      },
    );

  contract
    .command('import')
    .description(
      "check an ODCS contract completely (official schema, meshgate's requirements, the product's SDL) and make it the product's contract",
    )
    .argument('<file>', 'an ODCS v3.1 contract, YAML or JSON')
    .option('--to <dir>', "write contract.odcs.yaml there instead of the product's folder")
    .action((file: string, options: { to?: string }) => {
      const { contract: document, descriptor } = readContractFile(resolve(file), (name) =>
        readFileSync(join(contractsDir(), localDescriptor(name).name, 'schema.graphql'), 'utf8'),
      );
      const dir = options.to ? resolve(options.to) : join(ROOT, 'subgraphs', descriptor.name);
      mkdirSync(dir, { recursive: true });
      const target = join(dir, CONTRACT_FILE);
      writeFileSync(target, contractText(document));
      const where = target.startsWith(process.cwd()) ? relative(process.cwd(), target) : target;
      console.log(
        `imported the contract of ${descriptor.name} ${descriptor.version} into ${where}: ` +
          `${descriptor.quality.length} quality rules, ${descriptor.roles.length} roles, ` +
          `freshness ${descriptor.sla.freshness.element ?? '(no element)'} within ${descriptor.slo.freshness}`,
      );
    });
}

/** `users.graphql` → `users`; `products/schema.graphql` → `products`. */
function productNameFrom(schemaFile: string): string {
  const stem = basename(schemaFile, extname(schemaFile));
  const name = stem === 'schema' || stem === 'subgraph' ? basename(dirname(schemaFile)) : stem;
  return name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/^[^a-z]+/, '');
}

/** The contracts a local command reads: CONTRACTS_DIR, else the checkout's subgraphs/. */
function contractsDir(): string {
  return loadConfig().contractsDir ?? join(process.cwd(), 'subgraphs');
}

/** One product's descriptor from there; UNKNOWN_SUBGRAPH naming the known ones otherwise. */
function localDescriptor(name: string): DataProductDescriptor {
  const known = localContractDescriptors(contractsDir());
  const descriptor = known.find((d) => d.name === name);
  if (!descriptor)
    throw new StartupError(
      ErrorCode.UNKNOWN_SUBGRAPH,
      `unknown data product "${name}" (known: ${known.map((d) => d.name).join(', ')})`,
    );
  return descriptor;
}
