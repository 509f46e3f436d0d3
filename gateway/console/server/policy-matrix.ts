import type { Principal } from '../../common/types.js';
import {
  coveredFieldDecisions,
  decisionRows,
  operationDecisions,
  principalLabel,
} from '../../policy/decision-matrix.js';
import type { PolicyEngine } from '../../policy/types.js';

/** `meshgate policy explain` as data: one column per principal, one row per field. */
export interface PolicyMatrix {
  readonly columns: readonly {
    readonly label: string;
    readonly sub: string;
    readonly roles: readonly string[];
  }[];
  /** `cells[i]` is column i's decision, as the CLI prints it: `allow`, `mask:hash (rule)`, `deny (rule)`, `-`. */
  readonly rows: readonly { readonly coordinate: string; readonly cells: readonly string[] }[];
  /** The operation explained; null: every classified or rule-covered field. */
  readonly query: string | null;
}

/**
 * Each principal's decision per field and the rule that made it, computed exactly as
 * `meshgate policy explain` computes it (gateway/policy/decision-matrix.ts): with an operation,
 * the fields it reads; without one, every field that is classified or named by a rule.
 * Throws the operation's validation error for a bad `query`.
 */
export function policyMatrix(
  engine: PolicyEngine,
  principals: readonly Principal[],
  query: string | null,
): PolicyMatrix {
  const columns = principals.map((p) =>
    query ? operationDecisions(engine, p, query) : coveredFieldDecisions(engine, p),
  );
  return {
    columns: principals.map((p) => ({ label: principalLabel(p), sub: p.sub, roles: p.roles })),
    rows: decisionRows(columns),
    query,
  };
}
