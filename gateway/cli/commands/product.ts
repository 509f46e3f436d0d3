import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { scaffoldProduct } from '../../../schema/scaffold/scaffold-product.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** `meshgate product new`: scaffold a data product a domain team can publish as it is. */
export function registerProductCommand(program: Command): void {
  program
    .command('product')
    .description('data products of this repository')
    .command('new')
    .description(
      'create a data product: SDL with an example entity, resolvers, DataLoader data access, data contract (ODCS), tests',
    )
    .argument('<name>', 'product name: lower-case letters and digits')
    .requiredOption('--domain <domain>', 'the owning business domain, e.g. Loyalty')
    .requiredOption('--owner <team>', 'the owning team, e.g. loyalty-team')
    .option('--email <email>', "the team's contact address (default: TEAM@example.com)")
    .option('--entity <Type>', 'the example entity type (default: <Name>Item)')
    .action((name: string, options: { domain: string; owner: string; email?: string; entity?: string }) => {
      const { files } = scaffoldProduct({
        root: ROOT,
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
    });
}
