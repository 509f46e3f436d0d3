import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { contractText, readContractFile } from '../../../schema/contract/index.js';
import { dataProducts, findDataProduct } from '../../../subgraphs/index.js';
import { CONTRACT_FILE } from '../../protocol/index.js';
import { ErrorCode, StartupError } from '../../common/errors.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** `meshgate contract export|import`: a data product's ODCS v3.1 contract in and out of the repository. */
export function registerContractCommand(program: Command): void {
  const contract = program
    .command('contract')
    .description("data products' contracts (Open Data Contract Standard v3.1)");

  contract
    .command('export')
    .description("print a data product's contract as ODCS YAML")
    .requiredOption('--product <name>', `data product: ${dataProducts.map((p) => p.name).join(', ')}`)
    .option('--format <format>', 'odcs (YAML, the only format)', 'odcs')
    .action((options: { product: string; format: string }) => {
      if (options.format !== 'odcs')
        throw new StartupError(
          ErrorCode.BAD_USER_INPUT,
          `--format ${options.format}: the only format is odcs`,
        );
      process.stdout.write(contractText(findDataProduct(options.product).descriptor.contract));
    });

  contract
    .command('import')
    .description(
      "check an ODCS contract completely (official schema, meshgate's requirements, the product's SDL) and make it the product's contract",
    )
    .argument('<file>', 'an ODCS v3.1 contract, YAML or JSON')
    .option('--to <dir>', "write contract.odcs.yaml there instead of the product's folder")
    .action((file: string, options: { to?: string }) => {
      const { contract: document, descriptor } = readContractFile(
        resolve(file),
        (name) => findDataProduct(name).sdl,
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
