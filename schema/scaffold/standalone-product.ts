import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, StartupError } from '../../gateway/common/errors.js';
import { draftContract, draftContractText, type DraftContractOptions } from '../contract/draft-contract.js';
import { checkScaffoldInput, productNames } from './names.js';
import * as templates from './standalone-templates.js';

export interface StandaloneOptions {
  /** Where the product's repository goes: a directory that does not exist yet, or is empty. */
  readonly dir: string;
  readonly name: string;
  readonly domain: string;
  readonly team: string;
  readonly email?: string | undefined;
  /** The example entity's type name; `<Name>Item` by default. */
  readonly entity?: string | undefined;
  /** governance.yaml `personalData`, for the drafted contract's classifications. */
  readonly personalData: DraftContractOptions['personalData'];
  /** The dependency versions meshgate is built with (its own package.json). */
  readonly versions: templates.StandaloneInput['versions'];
}

/**
 * `meshgate product new` outside a meshgate checkout: a data product a team keeps in its own
 * repository, in plain JavaScript on Apollo Server (standalone-templates.ts), with its contract
 * drafted from its SDL exactly as `meshgate contract init` drafts one. It runs with
 * `npm install && npm start` and publishes with `meshgate publish` once its contract is reviewed.
 */
export function scaffoldStandaloneProduct(options: StandaloneOptions): { dir: string; files: string[] } {
  checkScaffoldInput(options);
  if (existsSync(options.dir) && readdirSync(options.dir).length > 0)
    throw new StartupError(ErrorCode.BAD_USER_INPUT, `${options.dir} exists and is not empty`);
  const input: templates.StandaloneInput = {
    names: productNames(options.name, options.entity),
    domain: options.domain,
    team: options.team,
    versions: options.versions,
  };
  const sdl = templates.schemaGraphql(input);
  const contract = draftContract({
    sdl,
    name: options.name,
    team: options.team,
    domain: options.domain,
    email: options.email,
    personalData: options.personalData,
  });
  const files: Record<string, string> = {
    'package.json': templates.packageJson(input),
    'schema.graphql': sdl,
    'server.mjs': templates.serverMjs(input),
    'data.json': templates.dataJson(input),
    'server.test.mjs': templates.serverTest(input),
    'contract.odcs.yaml': draftContractText(contract, 'schema.graphql'),
    'README.md': templates.readme(input),
  };
  mkdirSync(options.dir, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(join(options.dir, file), text);
  return { dir: options.dir, files: Object.keys(files) };
}
