import { ErrorCode, StartupError } from '../../gateway/common/errors.js';
import type { Principal } from '../../gateway/common/types.js';
import type { PublishedSubgraph } from './types.js';

/** The role that may publish, roll back and transfer any data product (the platform team). */
export const REGISTRY_ADMIN_ROLE = 'registry-admin';

/** The team a published version belongs to: its contract's `team.name`; null without a contract. */
export function owningTeam(subgraph: PublishedSubgraph | undefined): string | null {
  return subgraph?.descriptor?.owner.team ?? null;
}

/**
 * Who may put `next` in service in place of `inService` (undefined: the name is new). A data
 * product belongs to the team its contract names (`team.name`), so ownership is read from the
 * version in service, in the same attempt that commits: a concurrent claim makes the commit
 * conflict, and the retry sees the new owner.
 *
 * - A new name: the caller claims it for the contract's team, and must belong to that team.
 * - A name in service: only its team (or `registry-admin`) changes it; a caller of another
 *   team gets PRODUCT_NAME_TAKEN when its contract names its own team (it wants the name),
 *   REGISTRY_FORBIDDEN when it names the owner (it wants the product).
 * - A new `team.name` is a transfer: `registry-admin` only.
 * - A version in service without a contract (published before ownership) has no team: only
 *   `registry-admin` may change it, or hand it to a team by publishing a contract.
 */
export function authorizeWrite(
  principal: Principal,
  inService: PublishedSubgraph | undefined,
  next: PublishedSubgraph,
): void {
  const admin = principal.roles.includes(REGISTRY_ADMIN_ROLE);
  const teams = principal.teams;
  const wanted = owningTeam(next);
  const name = next.name;
  const yours = teams.length ? `your token's teams: ${teams.join(', ')}` : 'your token names no team';
  if (wanted === null)
    throw new StartupError(
      ErrorCode.REGISTRY_REQUEST_INVALID,
      `${name} v${next.version} has no data contract: a product belongs to the team its contract names`,
    );
  if (inService === undefined) {
    if (admin || teams.includes(wanted)) return;
    throw new StartupError(
      ErrorCode.REGISTRY_FORBIDDEN,
      `the contract of ${name} names team ${wanted}; ${yours}: a team claims a product name for itself only`,
    );
  }
  const owner = owningTeam(inService);
  if (owner === null) {
    if (admin) return;
    throw new StartupError(
      ErrorCode.REGISTRY_FORBIDDEN,
      `${name} is in service without a contract, so no team owns it: only ${REGISTRY_ADMIN_ROLE} may change it`,
    );
  }
  if (!admin && !teams.includes(owner)) {
    if (wanted !== owner)
      throw new StartupError(
        ErrorCode.PRODUCT_NAME_TAKEN,
        `the data product name ${name} is claimed by team ${owner}; ${yours}: choose another name`,
      );
    throw new StartupError(ErrorCode.REGISTRY_FORBIDDEN, `${name} belongs to team ${owner}; ${yours}`);
  }
  if (wanted !== owner && !admin)
    throw new StartupError(
      ErrorCode.TEAM_TRANSFER_FORBIDDEN,
      `${name} belongs to team ${owner} and this version names team ${wanted}: a transfer needs the role ${REGISTRY_ADMIN_ROLE}`,
    );
}
