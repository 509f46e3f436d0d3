/**
 * Reading the row-filter predicate (types.ts: its grammar) from the token's `filters` claim.
 * The gateway writes it (gateway/policy/row-filter.ts), a product reads it here and compiles
 * it to parameterised SQL (subgraphs/kit/row-filter.ts): never SQL text, never CEL.
 */
import type { CompareOperator, FilterValue, RowFilterClaim, RowFilterClaims, RowPredicate } from './types.js';

const OPERATORS: ReadonlySet<string> = new Set(['eq', 'ne', 'lt', 'le', 'gt', 'ge']);

/**
 * Reads a predicate from untrusted JSON (a verified token still goes through this: a product
 * never compiles a shape it does not know). Undefined when anything is off.
 */
export function parseRowPredicate(value: unknown, depth = 0): RowPredicate | undefined {
  if (depth > 32 || typeof value !== 'object' || value === null) return undefined;
  const node = value as Record<string, unknown>;
  switch (node.kind) {
    case 'const':
      return typeof node.value === 'boolean' ? { kind: 'const', value: node.value } : undefined;
    case 'compare':
      return typeof node.field === 'string' &&
        typeof node.op === 'string' &&
        OPERATORS.has(node.op) &&
        isFilterValue(node.value)
        ? { kind: 'compare', field: node.field, op: node.op as CompareOperator, value: node.value }
        : undefined;
    case 'in':
      return typeof node.field === 'string' && Array.isArray(node.values) && node.values.every(isFilterValue)
        ? { kind: 'in', field: node.field, values: node.values }
        : undefined;
    case 'not': {
      const of = parseRowPredicate(node.of, depth + 1);
      return of && { kind: 'not', of };
    }
    case 'and':
    case 'or': {
      if (!Array.isArray(node.of)) return undefined;
      const of = node.of.map((p) => parseRowPredicate(p, depth + 1));
      return of.every((p): p is RowPredicate => p !== undefined) ? { kind: node.kind, of } : undefined;
    }
    default:
      return undefined;
  }
}

/** Reads the `filters` claim; undefined when it is malformed (the product then refuses). */
export function parseRowFilterClaims(value: unknown): RowFilterClaims | undefined {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const claims: Record<string, RowFilterClaim[]> = {};
  for (const [subgraph, list] of Object.entries(value)) {
    if (!Array.isArray(list)) return undefined;
    const parsed: RowFilterClaim[] = [];
    for (const entry of list as unknown[]) {
      const e = entry as Record<string, unknown> | null;
      const where = parseRowPredicate(e?.where);
      if (!e || typeof e.type !== 'string' || typeof e.rule !== 'string' || !where) return undefined;
      parsed.push({ type: e.type, rule: e.rule, where });
    }
    claims[subgraph] = parsed;
  }
  return claims;
}

/** The fields a predicate reads. */
export function predicateFields(predicate: RowPredicate, into = new Set<string>()): Set<string> {
  switch (predicate.kind) {
    case 'compare':
    case 'in':
      into.add(predicate.field);
      break;
    case 'and':
    case 'or':
      for (const p of predicate.of) predicateFields(p, into);
      break;
    case 'not':
      predicateFields(predicate.of, into);
      break;
    case 'const':
      break;
  }
  return into;
}

function isFilterValue(value: unknown): value is FilterValue {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}
