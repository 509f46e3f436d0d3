import type { Principal } from '../common/types.js';

/**
 * The role sets the gateway's own routes are granted to, named once: each route, and the
 * console's capabilities (which only hide what a route would refuse), read them from here.
 */

/**
 * The platform's admins and the data owners' stewards: they read SLOs, incidents and lineage
 * (who read what, itself sensitive), administer the entity cache, and use the console's
 * governance pages (policy matrix, schema checks).
 */
export const STEWARD_ROLES: readonly string[] = Object.freeze(['admin', 'data-steward']);

/** Who browses the data product catalog: analysts discover products, stewards govern them. */
export const CATALOG_READER_ROLES: readonly string[] = Object.freeze(['analyst', ...STEWARD_ROLES]);

/** Whether the principal holds at least one of `roles` (a route is granted to any of them). */
export function hasAnyRole(principal: Principal, roles: readonly string[]): boolean {
  return principal.roles.some((role) => roles.includes(role));
}
