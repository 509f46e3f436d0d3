import { isInterfaceType, isObjectType } from 'graphql';
import type { Principal } from '../../common/types.js';
import { decide, describeDecision } from '../../policy/policy-test.js';
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
 * `meshgate policy explain` computes it (gateway/cli/commands/policy.ts): with an operation,
 * the fields it reads; without one, every field that is classified or named by a rule.
 * Throws the operation's validation error for a bad `query`.
 */
export function policyMatrix(
  engine: PolicyEngine,
  principals: readonly Principal[],
  query: string | null,
): PolicyMatrix {
  const columns = principals.map((p) => (query ? decisionsFor(engine, p, query) : allDecisions(engine, p)));
  const coordinates = [...new Set(columns.flatMap((c) => [...c.keys()]))];
  return {
    columns: principals.map((p) => ({ label: principalLabel(p), sub: p.sub, roles: p.roles })),
    rows: coordinates.map((coordinate) => ({
      coordinate,
      cells: columns.map((c) => c.get(coordinate) ?? '-'),
    })),
    query,
  };
}

function decisionsFor(engine: PolicyEngine, principal: Principal, query: string): Map<string, string> {
  return new Map(decide(engine, principal, query).map((d) => [d.coordinate, describeDecision(d)]));
}

/** Every field of the schema that is classified or named by a rule. */
function allDecisions(engine: PolicyEngine, principal: Principal): Map<string, string> {
  const decisions = new Map<string, string>();
  for (const type of Object.values(engine.schema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    for (const field of Object.keys(type.getFields())) {
      const coordinate = `${type.name}.${field}`;
      const decision = engine.decideField(type.name, field, principal);
      const covered =
        decision.rule !== null ||
        engine.rules.some((r) => r.fields.includes(coordinate) || r.fields.includes(`${type.name}.*`));
      if (covered) decisions.set(coordinate, describeDecision(decision));
    }
  }
  return decisions;
}

/** The CLI's column header: `anonymous`, or `sub [roles attr=value]`. */
export function principalLabel(principal: Principal): string {
  if (principal.anonymous) return 'anonymous';
  const attributes = Object.entries(principal.attributes).map(([k, v]) => `${k}=${v}`);
  return `${principal.sub} [${[...principal.roles, ...attributes].join(' ')}]`;
}
