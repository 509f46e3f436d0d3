import { CATALOG_READER_ROLES, hasAnyRole, STEWARD_ROLES } from '../../auth/roles.js';
import type { Principal } from '../../common/types.js';
import type { ConsoleCapabilities } from './types.js';

/**
 * What the console shows a principal: the role sets the endpoints enforce (auth/roles.ts). The
 * pages only use this to hide what would be refused; the server refuses it anyway.
 */
export function capabilitiesOf(principal: Principal): ConsoleCapabilities {
  return {
    catalog: hasAnyRole(principal, CATALOG_READER_ROLES),
    lineage: hasAnyRole(principal, STEWARD_ROLES),
    slo: hasAnyRole(principal, STEWARD_ROLES),
    governance: hasAnyRole(principal, STEWARD_ROLES),
  };
}
