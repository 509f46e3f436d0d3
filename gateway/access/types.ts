/**
 * Access requests (Immuta/Unity Catalog-style): a principal asks for fields of one data
 * product for a purpose and a time; an approver named in the product's contract approves,
 * and the approval becomes a grant file, policy as code (policy/grant-rule.ts). Every step
 * is kept in an append-only audit log.
 */

export type AccessRequestStatus = 'pending' | 'approved' | 'denied';

/** Who the grant is for: the requester, or a group (a role) they ask on behalf of. */
export type Grantee = { readonly sub: string } | { readonly group: string };

export interface AccessRequest {
  readonly id: string;
  readonly product: string;
  /** Schema coordinates of the product's fields: `Customer.email`. */
  readonly fields: readonly string[];
  readonly purpose: string;
  readonly durationSeconds: number;
  /** The signed-in principal who asked. */
  readonly requestedBy: string;
  readonly grantee: Grantee;
  readonly requestedAt: string;
  readonly status: AccessRequestStatus;
  readonly reviewedBy?: string;
  readonly reviewedAt?: string;
  /** Why it was denied (required), or a note with an approval. */
  readonly reason?: string;
  /** Approved: the grant file written, relative to the grants directory, and when it expires. */
  readonly grantFile?: string;
  readonly expires?: string;
}

export type AuditAction = 'request' | 'approve' | 'deny' | 'refuse' | 'grant' | 'expire' | 'ignore';

/** One line of the audit log: who did what, when, and why. */
export interface AuditEntry {
  readonly time: string;
  /** The principal's subject, or `gateway` for what a gateway noticed (an expiry, a bad grant). */
  readonly who: string;
  readonly action: AuditAction;
  /** The request id (or grant file) it is about. */
  readonly request: string;
  /** What: the product, fields, grantee, purpose, duration, file. */
  readonly what: string;
  /** Why: the purpose of a request, the reason of a denial or refusal. */
  readonly why: string;
}

/** Where requests and the audit log live: Redis with REDIS_URL, else a file in the state directory. */
export interface AccessStore {
  readonly kind: 'redis' | 'file';
  save(request: AccessRequest): Promise<void>;
  get(id: string): Promise<AccessRequest | null>;
  list(): Promise<AccessRequest[]>;
  /** Appends one entry; entries are never changed or removed. */
  audit(entry: AuditEntry): Promise<void>;
  auditLog(): Promise<AuditEntry[]>;
  /** Redis only: keeps a grant's text where every gateway reads it, and tells them (pub/sub). */
  publishGrant?(file: string, text: string): Promise<void>;
  close(): Promise<void>;
}
