import { isInterfaceType, isObjectType } from 'graphql';
import type { Principal } from '../common/types.js';
import { decide, describeDecision } from './policy-test.js';
import type { PolicyEngine } from './types.js';

/**
 * The decision table of `meshgate policy explain`, which the console's policy matrix shows
 * too: one column per principal (coordinate → decision as `describeDecision` words it), one
 * row per field. Kept in one place so the CLI and the console can never disagree about what
 * a principal may read.
 */
export type DecisionColumn = Map<string, string>;

/** The decisions on the fields `query` reads; throws the operation's validation error for a bad one. */
export function operationDecisions(
  engine: PolicyEngine,
  principal: Principal,
  query: string,
): DecisionColumn {
  return new Map(decide(engine, principal, query).map((d) => [d.coordinate, describeDecision(d)]));
}

/** Every field of the schema that is classified or named by a rule. */
export function coveredFieldDecisions(engine: PolicyEngine, principal: Principal): DecisionColumn {
  const decisions: DecisionColumn = new Map();
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

/** One row per coordinate any column has (in first-seen order), `-` where a column has none. */
export function decisionRows(
  columns: readonly ReadonlyMap<string, string>[],
): { coordinate: string; cells: string[] }[] {
  const coordinates = [...new Set(columns.flatMap((c) => [...c.keys()]))];
  return coordinates.map((coordinate) => ({
    coordinate,
    cells: columns.map((c) => c.get(coordinate) ?? '-'),
  }));
}

/** A column's header: `anonymous`, or `sub [roles attr=value]`. */
export function principalLabel(principal: Principal): string {
  if (principal.anonymous) return 'anonymous';
  const attributes = Object.entries(principal.attributes).map(([k, v]) => `${k}=${String(v)}`);
  return `${principal.sub} [${[...principal.roles, ...attributes].join(' ')}]`;
}
