import { memoByObject } from '../../common/memo-by-object.js';
import type { Attributes } from '@opentelemetry/api';
import type { FieldDecision, Principal } from '../../common/types.js';

/**
 * meshgate's span attributes beside the semantic conventions' own. The ones a data product
 * writes too (`meshgate.product`, `meshgate.request_id`) are the protocol's
 * (gateway/protocol/trace-propagation.ts).
 */
export const PRODUCTS_ATTRIBUTE = 'meshgate.products';
export const OPERATION_HASH_ATTRIBUTE = 'meshgate.operation.hash';
/** The principal's subject only: never its roles, scopes or other claims. */
export const SUBJECT_ATTRIBUTE = 'enduser.id';
export const ANONYMOUS_ATTRIBUTE = 'meshgate.principal.anonymous';
export const OPERATION_NAME_ATTRIBUTE = 'graphql.operation.name';
export const OPERATION_TYPE_ATTRIBUTE = 'graphql.operation.type';

export interface DecisionCounts {
  readonly 'meshgate.decisions.allow': number;
  readonly 'meshgate.decisions.mask': number;
  readonly 'meshgate.decisions.deny': number;
}

/** Counted once per decisions array: the policy stage shares one per operation × principal key. */
export const decisionCounts = memoByObject((decisions: readonly FieldDecision[]): DecisionCounts => {
  const counts = { allow: 0, mask: 0, deny: 0 };
  for (const d of decisions) counts[d.effect]++;
  return Object.freeze({
    'meshgate.decisions.allow': counts.allow,
    'meshgate.decisions.mask': counts.mask,
    'meshgate.decisions.deny': counts.deny,
  });
});

/** The authenticate span's: who, by subject alone (principals are cached per token, so is this). */
export const principalAttributes = memoByObject((principal: Principal): Attributes =>
  Object.freeze({ [SUBJECT_ATTRIBUTE]: principal.sub, [ANONYMOUS_ATTRIBUTE]: principal.anonymous }),
);

/** The lineage enqueue span's: what the event records, as counts and product names. */
export function lineageAttributes(event: {
  readonly products: readonly string[];
  readonly fields: readonly unknown[];
}): Attributes {
  return { [PRODUCTS_ATTRIBUTE]: [...event.products], 'meshgate.lineage.fields': event.fields.length };
}
