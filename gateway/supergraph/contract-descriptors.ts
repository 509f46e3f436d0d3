import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ErrorCode, StartupError } from '../common/errors.js';
import { CONTRACT_FILE, readDescriptor, type DataProductDescriptor } from '../protocol/index.js';

/**
 * The descriptors of the products a supergraph file serves, read from a directory of data
 * contracts (CONTRACTS_DIR): `<dir>/<product>/contract.odcs.yaml`, the layout of a mesh kept
 * in one repository. A registry's supergraph comes with the contracts its teams published, so
 * this is for the file-based workflow only. An unreadable contract stops the start.
 */
export function readContractDescriptors(dir: string): readonly DataProductDescriptor[] {
  if (!existsSync(dir))
    throw new StartupError(ErrorCode.CONFIG_INVALID, `CONTRACTS_DIR ${dir} does not exist`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, CONTRACT_FILE)))
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((entry) => readDescriptor(join(dir, entry.name, CONTRACT_FILE)));
}

/**
 * The descriptors a local command (no gateway, no registry) reads: CONTRACTS_DIR, else the
 * `subgraphs/` directory of the checkout it runs in (the mesh kept in one repository).
 */
export function localContractDescriptors(contractsDir: string | undefined): readonly DataProductDescriptor[] {
  return readContractDescriptors(contractsDir ?? join(process.cwd(), 'subgraphs'));
}
