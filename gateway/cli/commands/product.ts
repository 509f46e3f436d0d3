import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { readGovernanceConfig } from '../../../schema/check/index.js';
import { scaffoldProduct } from '../../../schema/scaffold/scaffold-product.js';
import { scaffoldStandaloneProduct } from '../../../schema/scaffold/standalone-product.js';
import {
  STANDALONE_DEPENDENCIES,
  type StandaloneInput,
} from '../../../schema/scaffold/standalone-templates.js';
import { ErrorCode, StartupError } from '../../common/errors.js';

/** The installed meshgate package (or the checkout): its package.json and governance defaults. */
const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface ProductNewOptions {
  domain: string;
  owner: string;
  email?: string;
  entity?: string;
  dir?: string;
  kit?: boolean;
  governance?: string;
}

/**
 * `meshgate product new`: scaffold a data product a domain team can publish as it is. By
 * default in a directory of its own, for the team's own repository (any working directory);
 * with `--kit`, a product of the reference mesh inside the meshgate checkout it runs in.
 */
export function registerProductCommand(program: Command): void {
  program
    .command('product')
    .description('data products: scaffold a new one')
    .command('new')
    .description(
      "create a data product: an Apollo Federation subgraph (schema, server, test data, tests) and its drafted ODCS contract, in ./NAME for the team's own repository; --kit: a kit product of the reference mesh in this checkout",
    )
    .argument('<name>', 'product name: lower-case letters and digits')
    .requiredOption('--domain <domain>', 'the owning business domain, e.g. Loyalty')
    .requiredOption('--owner <team>', 'the owning team, e.g. loyalty-team')
    .option('--email <email>', "the team's contact address (default: TEAM@example.com)")
    .option('--entity <Type>', 'the example entity type (default: <Name>Item)')
    .option('--dir <dir>', 'where the product goes (default: ./NAME); not with --kit')
    .option('--kit', "a kit product of the reference mesh: subgraphs/NAME of the meshgate checkout you're in")
    .option('--governance <file>', 'governance.yaml whose personal-data patterns classify the draft')
    .action((name: string, options: ProductNewOptions) =>
      options.kit ? newKitProduct(name, options) : newStandaloneProduct(name, options),
    );
}

function newStandaloneProduct(name: string, options: ProductNewOptions): void {
  const dir = resolve(options.dir ?? name);
  const governance = readGovernanceConfig(
    options.governance ? resolve(options.governance) : join(PACKAGE_ROOT, 'schema', 'governance.yaml'),
  );
  const { files } = scaffoldStandaloneProduct({
    dir,
    name,
    domain: options.domain,
    team: options.owner,
    email: options.email,
    entity: options.entity,
    personalData: governance.personalData,
    versions: dependencyVersions(),
  });
  const where = relative(process.cwd(), dir) || '.';
  console.log(
    [
      `created data product ${name} in ${where}:`,
      ...files.map((f) => `  ${f}`),
      '',
      'next:',
      `  cd ${where} && npm install && npm test`,
      '  review contract.odcs.yaml (each meshgate.review entry), then:',
      `  meshgate check   --subgraph ${name} --schema schema.graphql --contract contract.odcs.yaml`,
      `  meshgate publish --subgraph ${name} --schema schema.graphql --contract contract.odcs.yaml --url URL`,
    ].join('\n'),
  );
}

function newKitProduct(name: string, options: ProductNewOptions): void {
  if (options.dir)
    throw new StartupError(ErrorCode.BAD_USER_INPUT, '--dir is for a standalone product, not with --kit');
  // The checkout the command runs in, never the installed package's copy of the reference mesh.
  const root = process.cwd();
  if (!existsSync(join(root, 'subgraphs', 'kit')) || !existsSync(join(root, 'subgraphs', 'index.ts')))
    throw new StartupError(
      ErrorCode.BAD_USER_INPUT,
      `--kit writes into a meshgate checkout: ${root} has no subgraphs/kit and subgraphs/index.ts`,
    );
  const { files } = scaffoldProduct({
    root,
    name,
    domain: options.domain,
    team: options.owner,
    email: options.email,
    entity: options.entity,
  });
  console.log(
    [
      `created data product ${name}:`,
      ...files.map((f) => `  ${f}`),
      '  subgraphs/index.ts (registered)',
      '',
      'next:',
      `  npx vitest run subgraphs/${name}      # its tests`,
      '  npm run compose                       # recompose schema/supergraph.graphql',
      `  meshgate check                        # governance checks`,
      `  meshgate subgraph ${name}              # run it`,
      `  meshgate publish --subgraph ${name}    # put it in the registry's supergraph`,
    ].join('\n'),
  );
}

/** The versions of the product's dependencies: the ones meshgate itself is built and tested with. */
function dependencyVersions(): StandaloneInput['versions'] {
  const manifest = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  const versions = Object.fromEntries(
    STANDALONE_DEPENDENCIES.map((d) => [d, manifest.dependencies?.[d] ?? 'latest']),
  );
  return versions as StandaloneInput['versions'];
}
