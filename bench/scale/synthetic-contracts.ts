import { fileURLToPath } from 'node:url';
import { descriptorFromContract } from '../../gateway/protocol/index.js';
import type { DataProductDescriptor } from '../../gateway/protocol/index.js';
import { readGovernanceConfig } from '../../schema/check/index.js';
import { draftContract } from '../../schema/contract/draft-contract.js';
import type { SyntheticProduct } from './synthetic-mesh.js';

const GOVERNANCE = fileURLToPath(new URL('../../schema/governance.yaml', import.meta.url));

/**
 * Each synthetic product's ODCS contract, as `meshgate contract init` drafts it from the SDL
 * (every object and property, `@tag` classifications, the platform's default SLA), and the
 * descriptor the registry derives from it: what a publish carries. Twenty domains, one team
 * per domain, as in the generated mesh.
 */
export function syntheticDescriptors(products: readonly SyntheticProduct[]): DataProductDescriptor[] {
  const { personalData } = readGovernanceConfig(GOVERNANCE);
  return products.map((product, i) => {
    const domain = `domain-${i % 20}`;
    const reading = descriptorFromContract(
      draftContract({
        sdl: product.sdl,
        name: product.name,
        team: `${domain}-team`,
        domain,
        email: `${domain}@example.com`,
        personalData,
      }),
    );
    if (!reading.ok)
      throw new Error(
        `${product.name}'s drafted contract: ${reading.problems.map((p) => p.message).join('; ')}`,
      );
    return reading.descriptor;
  });
}
