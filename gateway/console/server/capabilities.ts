import { CATALOG_READER_ROLES } from '../../catalog/catalog-routes.js';
import type { Principal } from '../../common/types.js';
import { SLO_READER_ROLES } from '../../health/slo-admin.js';
import { LINEAGE_READER_ROLES } from '../../lineage/admin.js';
import type { ConsoleCapabilities } from './types.js';

/** The policy matrix and schema checks are governance's: who reads lineage reads them. */
export const GOVERNANCE_ROLES: readonly string[] = LINEAGE_READER_ROLES;

const hasAny = (principal: Principal, roles: readonly string[]) =>
  principal.roles.some((role) => roles.includes(role));

/**
 * What the console shows a principal: the endpoints' own role lists, read from where they are
 * enforced. The pages only use this to hide what would be refused; the server refuses it anyway.
 */
export function capabilitiesOf(principal: Principal): ConsoleCapabilities {
  return {
    catalog: hasAny(principal, CATALOG_READER_ROLES),
    lineage: hasAny(principal, LINEAGE_READER_ROLES),
    slo: hasAny(principal, SLO_READER_ROLES),
    governance: hasAny(principal, GOVERNANCE_ROLES),
  };
}

export function mayGovern(principal: Principal): boolean {
  return hasAny(principal, GOVERNANCE_ROLES);
}

export function mayReadCatalog(principal: Principal): boolean {
  return hasAny(principal, CATALOG_READER_ROLES);
}
