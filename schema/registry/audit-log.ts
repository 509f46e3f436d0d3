import type { AuditEntry, AuditQuery } from './types.js';

/** How many audit lines the registry keeps (the oldest go first). */
export const AUDIT_KEEP = 100_000;

/** How many lines a store reads at a time while looking for a query's lines. */
export const AUDIT_PAGE = 500;

const DEFAULT_LIMIT = 100;

/** The entries a query asks for, from a log read newest first. */
export function selectAudit(newestFirst: readonly AuditEntry[], query: AuditQuery): AuditEntry[] {
  const limit = query.limit ?? DEFAULT_LIMIT;
  return newestFirst
    .filter((entry) => query.product === undefined || entry.product === query.product)
    .slice(0, limit);
}
