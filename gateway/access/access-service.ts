import { randomUUID } from 'node:crypto';
import { isInterfaceType, isObjectType } from 'graphql';
import type { DataProductDescriptor } from '../protocol/index.js';
import { ErrorCode } from '../common/errors.js';
import type { Principal } from '../common/types.js';
import type { SupergraphModel } from '../supergraph/supergraph-model.js';
import type { AccessConfig } from './access-config.js';
import { grantSigner } from './grant-signature.js';
import { grantDocument, writeGrant } from './grant-writer.js';
import type { AccessRequest, AccessStore, AuditEntry, Grantee } from './types.js';

/** A refused step of the workflow: its code's status answers the route, its message the CLI. */
export class AccessError extends Error {
  constructor(
    readonly code:
      ErrorCode.ACCESS_REQUEST_INVALID | ErrorCode.ACCESS_FORBIDDEN | ErrorCode.ACCESS_REQUEST_NOT_FOUND,
    message: string,
  ) {
    super(message);
  }
}

export interface AccessRequestInput {
  readonly product?: unknown;
  readonly fields?: unknown;
  readonly purpose?: unknown;
  /** `30d`, `12h`, `90m`, `45s`. */
  readonly duration?: unknown;
  /** A role to grant to instead of the requester: `support`. */
  readonly group?: unknown;
}

export interface AccessServiceOptions {
  readonly store: AccessStore;
  readonly config: AccessConfig;
  readonly descriptors: () => readonly DataProductDescriptor[];
  /** The supergraph whose fields may be requested. */
  readonly model: () => SupergraphModel | null;
  readonly now?: () => Date;
}

/** Plain names only: they go into the grant's CEL condition. */
const NAME = /^[A-Za-z0-9][\w.@-]{0,127}$/;

/**
 * The access workflow. Request: the signed-in principal asks for fields of one product, for
 * a purpose, for a time (at most ACCESS_MAX_DAYS). Review: only an approver named in the
 * product's contract (`roles[].firstLevelApprovers`, by subject or by role) sees and decides
 * its pending requests; anyone else is refused, and the refusal is audited too. Approve:
 * the request compiles into a signed grant file (policy as code), published through Redis
 * when there is one. Every step appends to the audit log: who, what, when, why.
 */
export function accessService({
  store,
  config,
  descriptors,
  model,
  now = () => new Date(),
}: AccessServiceOptions) {
  const signer = grantSigner(config);
  const audit = (entry: Omit<AuditEntry, 'time'>) => store.audit({ time: now().toISOString(), ...entry });
  const descriptorOf = (product: string) => descriptors().find((d) => d.name === product);
  const approversOf = (product: string) =>
    new Set((descriptorOf(product)?.roles ?? []).flatMap((r) => r.firstLevelApprovers));
  const isApprover = (principal: Principal, product: string) => {
    const approvers = approversOf(product);
    return (
      !principal.anonymous && (approvers.has(principal.sub) || principal.roles.some((r) => approvers.has(r)))
    );
  };
  const invalid = (message: string) => new AccessError(ErrorCode.ACCESS_REQUEST_INVALID, message);

  const pending = async (id: string) => {
    const request = await store.get(id);
    if (!request || request.status !== 'pending')
      throw new AccessError(ErrorCode.ACCESS_REQUEST_NOT_FOUND, `no pending access request ${id}`);
    return request;
  };
  const review = async (principal: Principal, id: string, action: 'approve' | 'deny') => {
    const request = await pending(id);
    if (!isApprover(principal, request.product)) {
      await audit({
        who: principal.sub,
        action: 'refuse',
        request: id,
        what: `${action} ${request.product}`,
        why: `not an approver of ${request.product} (contract roles: ${[...approversOf(request.product)].join(', ') || 'none'})`,
      });
      throw new AccessError(
        ErrorCode.ACCESS_FORBIDDEN,
        `${principal.sub} is not an approver of ${request.product}: its contract names ${[...approversOf(request.product)].join(', ') || 'none'}`,
      );
    }
    return request;
  };

  return {
    async request(principal: Principal, input: AccessRequestInput): Promise<AccessRequest> {
      if (principal.anonymous) throw new AccessError(ErrorCode.ACCESS_FORBIDDEN, 'sign in to request access');
      const product = typeof input.product === 'string' ? input.product : '';
      if (!descriptorOf(product))
        throw invalid(
          `unknown data product "${product}" (known: ${descriptors()
            .map((d) => d.name)
            .join(', ')})`,
        );
      const fields = Array.isArray(input.fields)
        ? input.fields.filter((f): f is string => typeof f === 'string')
        : typeof input.fields === 'string'
          ? input.fields
              .split(',')
              .map((f) => f.trim())
              .filter(Boolean)
          : [];
      if (fields.length === 0) throw invalid('name the fields: Customer.email,Customer.phone');
      const supergraph = model();
      if (!supergraph) throw invalid('no supergraph is loaded yet');
      for (const coordinate of fields) {
        const [typeName, fieldName] = coordinate.split('.');
        const type = typeName ? supergraph.apiSchema.getType(typeName) : undefined;
        if (
          !type ||
          !(isObjectType(type) || isInterfaceType(type)) ||
          !fieldName ||
          !type.getFields()[fieldName]
        )
          throw invalid(`unknown field ${coordinate}`);
        if (!supergraph.ownership.owners(typeName!, fieldName).includes(product))
          throw invalid(`${coordinate} is not served by ${product}`);
      }
      const purpose = typeof input.purpose === 'string' ? input.purpose : '';
      if (!NAME.test(purpose)) throw invalid('a purpose is one word such as support');
      const durationSeconds = parseDuration(input.duration);
      if (durationSeconds === undefined) throw invalid('a duration such as 30d, 12h, 90m or 45s');
      if (durationSeconds > config.maxDurationSeconds)
        throw invalid(`at most ${config.maxDurationSeconds / 86_400}d (ACCESS_MAX_DAYS)`);
      if (!NAME.test(principal.sub))
        throw invalid(`subject ${JSON.stringify(principal.sub)} is not a plain name`);
      let grantee: Grantee = { sub: principal.sub };
      if (input.group !== undefined) {
        if (typeof input.group !== 'string' || !NAME.test(input.group))
          throw invalid('a group is one role name');
        grantee = { group: input.group };
      }
      const request: AccessRequest = {
        id: `ar-${randomUUID().slice(0, 8)}`,
        product,
        fields,
        purpose,
        durationSeconds,
        requestedBy: principal.sub,
        grantee,
        requestedAt: now().toISOString(),
        status: 'pending',
      };
      await store.save(request);
      await audit({
        who: principal.sub,
        action: 'request',
        request: request.id,
        what: `${product}: ${fields.join(', ')} for ${describeGrantee(grantee)}, ${formatDuration(durationSeconds)}`,
        why: `purpose ${purpose}`,
      });
      return request;
    },

    /** Requests the principal reviews (approver of their product) or made; pending ones unless `all`. */
    async list(principal: Principal, all = false): Promise<AccessRequest[]> {
      return (await store.list()).filter(
        (r) =>
          (all || r.status === 'pending') &&
          (r.requestedBy === principal.sub || isApprover(principal, r.product)),
      );
    },

    async approve(principal: Principal, id: string, note?: string) {
      const request = await review(principal, id, 'approve');
      const at = now();
      const document = grantDocument(request, principal.sub, at);
      const { file, text } = writeGrant(config.grantsDir, document, signer);
      await store.publishGrant?.(file, text);
      const approved: AccessRequest = {
        ...request,
        status: 'approved',
        reviewedBy: principal.sub,
        reviewedAt: at.toISOString(),
        ...(note && { reason: note }),
        grantFile: file,
        expires: document.expires,
      };
      await store.save(approved);
      await audit({
        who: principal.sub,
        action: 'approve',
        request: id,
        what: `${request.product}: ${request.fields.join(', ')} for ${describeGrantee(request.grantee)}`,
        why: note ?? `purpose ${request.purpose}`,
      });
      await audit({
        who: principal.sub,
        action: 'grant',
        request: id,
        what: `grants/${file}: rule ${String(document.rule.id)} until ${document.expires}`,
        why: `approved request ${id}`,
      });
      return { request: approved, file, text };
    },

    async deny(principal: Principal, id: string, reason: string) {
      if (!reason.trim()) throw invalid('a denial needs a reason (--reason)');
      const request = await review(principal, id, 'deny');
      const denied: AccessRequest = {
        ...request,
        status: 'denied',
        reviewedBy: principal.sub,
        reviewedAt: now().toISOString(),
        reason,
      };
      await store.save(denied);
      await audit({
        who: principal.sub,
        action: 'deny',
        request: id,
        what: `${request.product}: ${request.fields.join(', ')} for ${describeGrantee(request.grantee)}`,
        why: reason,
      });
      return denied;
    },

    /** The audit log, for approvers of some product and for admins and data stewards. */
    async auditLog(principal: Principal): Promise<AuditEntry[]> {
      const governs =
        principal.roles.includes('admin') ||
        principal.roles.includes('data-steward') ||
        descriptors().some((d) => isApprover(principal, d.name));
      if (!governs)
        throw new AccessError(
          ErrorCode.ACCESS_FORBIDDEN,
          'the audit log is for approvers, admins and data stewards',
        );
      return store.auditLog();
    },
  };
}

export type AccessService = ReturnType<typeof accessService>;

function describeGrantee(grantee: Grantee): string {
  return 'sub' in grantee ? grantee.sub : `group ${grantee.group}`;
}

export function parseDuration(value: unknown): number | undefined {
  const match = typeof value === 'string' ? /^(\d+)(s|m|h|d)$/.exec(value) : null;
  if (!match || Number(match[1]) <= 0) return undefined;
  return Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as 's' | 'm' | 'h' | 'd'];
}

function formatDuration(seconds: number): string {
  for (const [unit, size] of [
    ['d', 86_400],
    ['h', 3600],
    ['m', 60],
  ] as const)
    if (seconds % size === 0) return `${seconds / size}${unit}`;
  return `${seconds}s`;
}
