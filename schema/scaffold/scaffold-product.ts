import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, StartupError } from '../../gateway/common/errors.js';
import { checkScaffoldInput, productNames } from './names.js';
import * as templates from './templates.js';

export interface ScaffoldOptions {
  /** The repository root: the product goes to `<root>/subgraphs/<name>`. */
  readonly root: string;
  readonly name: string;
  readonly domain: string;
  readonly team: string;
  readonly email?: string | undefined;
  /** The example entity's type name; `<Name>Item` by default. */
  readonly entity?: string | undefined;
  /** Default port; the next after the highest in subgraphs/index.ts by default. */
  readonly port?: number | undefined;
}

const REGISTRY_FILE = ['subgraphs', 'index.ts'];
const LIST_START = 'export const dataProducts: readonly DataProduct[] = [';

/**
 * `meshgate product new`: a new data product that composes, passes `meshgate check` and can
 * be published as it is. Writes its folder and registers it in `subgraphs/index.ts`.
 */
export function scaffoldProduct(options: ScaffoldOptions): { dir: string; files: string[] } {
  checkScaffoldInput(options);
  const dir = join(options.root, 'subgraphs', options.name);
  if (existsSync(dir))
    throw new StartupError(ErrorCode.BAD_USER_INPUT, `subgraphs/${options.name} exists already`);
  const registryPath = join(options.root, ...REGISTRY_FILE);
  const registry = readFileSync(registryPath, 'utf8');
  if (!registry.includes(LIST_START))
    throw new StartupError(ErrorCode.BAD_USER_INPUT, `${registryPath} has no "${LIST_START}" list to add to`);

  // Each registered product's index.ts names its default port; the new one takes the next.
  const usedPorts = [...registry.matchAll(/from '\.\/([a-z0-9]+)\/index\.js'/g)]
    .map(
      (m) =>
        readFileSync(join(options.root, 'subgraphs', m[1]!, 'index.ts'), 'utf8').match(
          /defaultPort: (\d+)/,
        )?.[1],
    )
    .map(Number)
    .filter(Number.isFinite);
  const input: templates.ScaffoldInput = {
    names: productNames(options.name, options.entity),
    domain: options.domain,
    team: options.team,
    email: options.email ?? `${options.team}@example.com`,
    port: options.port ?? Math.max(4000, ...usedPorts) + 1,
  };
  const files: Record<string, string> = {
    'schema.graphql': templates.schemaGraphql(input),
    'schema.sql': templates.schemaSql(input),
    'seed.sql': templates.seedSql(input),
    'data.ts': templates.dataTs(input),
    'resolvers.ts': templates.resolversTs(input),
    'index.ts': templates.indexTs(input),
    'contract.odcs.yaml': templates.contractYaml(input),
    [`${options.name}.test.ts`]: templates.testTs(input),
  };
  mkdirSync(dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);

  // Register it: one import, one entry at the end of the list.
  const lastImport = registry.lastIndexOf("from './");
  const importEnd = registry.indexOf('\n', lastImport) + 1;
  const listEnd = registry.indexOf('];', registry.indexOf(LIST_START));
  const updated =
    registry.slice(0, importEnd) +
    `import { ${input.names.variable} } from './${options.name}/index.js';\n` +
    registry.slice(importEnd, listEnd).replace(/,?\s*$/, `, ${input.names.variable}`) +
    registry.slice(listEnd);
  writeFileSync(registryPath, updated);
  return { dir, files: Object.keys(files).map((f) => join('subgraphs', options.name, f)) };
}
