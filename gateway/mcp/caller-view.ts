import { hasAnyRole, CATALOG_READER_ROLES } from '../auth/roles.js';
import { ErrorCode, messageOf } from '../common/errors.js';
import type { MaskStrategy, Principal } from '../common/types.js';
import type { Catalog, CatalogEntry } from '../catalog/types.js';
import { buildCatalog, type CatalogSources } from '../catalog/build-catalog.js';
import { describePredicate } from '../policy/row-filter.js';
import type { PolicyEngine } from '../policy/types.js';
import type { ToolOutcome } from './types.js';

/** The caller's own decision on one field, as `meshgate policy explain` words it. */
export type CallerDecision =
  | { readonly effect: 'allow'; readonly rule: string | null }
  | { readonly effect: 'mask'; readonly strategy: MaskStrategy; readonly rule: string }
  | { readonly effect: 'deny'; readonly rule: string };

/** The caller's row filter on a type: the rule and the rows it keeps (`country in [DE, AT]`). */
export interface CallerRowFilter {
  readonly rule: string;
  readonly rows: string;
}

/** What the catalog tools read: the catalog in service and the policy engine /graphql decides with. */
export interface CallerViewSources {
  /** Null before a supergraph is served. */
  readonly catalog: () => CatalogSources | null;
  /** Undefined with MESHGATE_POLICY=off (every field allowed) or before the first load. */
  readonly engine: () => PolicyEngine | undefined;
}

/**
 * The catalog as one caller sees it: every field with the caller's own decision (the policy
 * engine /graphql decides with, grants included, so never a second opinion) and every type
 * with the caller's row filter. The catalog is for the catalog readers (analyst, admin,
 * data-steward) as GET /catalog is: anyone else gets CATALOG_FORBIDDEN, anonymous callers too,
 * exactly as on /catalog.
 */
export function callerView(sources: CallerViewSources) {
  return {
    async catalog(principal: Principal): Promise<Catalog | ToolOutcome> {
      if (!hasAnyRole(principal, CATALOG_READER_ROLES)) return refusal(ErrorCode.CATALOG_FORBIDDEN);
      const catalog = sources.catalog();
      if (!catalog) return refusal(ErrorCode.SUBGRAPH_UNAVAILABLE, 'no supergraph is served yet');
      // Who read what (lineage's consumers) stays on /catalog: an agent gets the products.
      return buildCatalog({ ...catalog, consumers: undefined });
    },
    decide(principal: Principal): (typeName: string, fieldName: string) => CallerDecision {
      const engine = sources.engine();
      return (typeName, fieldName) => {
        if (!engine) return { effect: 'allow', rule: null };
        const { coordinate: _coordinate, ...decision } = engine.decideField(typeName, fieldName, principal);
        return decision;
      };
    },
    rowFilters(principal: Principal): ReadonlyMap<string, CallerRowFilter> {
      const filters = new Map<string, CallerRowFilter>();
      const engine = sources.engine();
      if (!engine) return filters;
      for (const claims of Object.values(engine.rowFilters(principal).claims))
        for (const claim of claims)
          filters.set(claim.type, { rule: claim.rule, rows: describePredicate(claim.where) });
      return filters;
    },
  };
}

export type CallerView = ReturnType<typeof callerView>;

/** How much of a product the caller reads: fields by their decision, and the filtered types. */
export function accessSummary(
  entry: CatalogEntry,
  decide: (typeName: string, fieldName: string) => CallerDecision,
  rowFilters: ReadonlyMap<string, CallerRowFilter>,
) {
  const count = { allow: 0, mask: 0, deny: 0 };
  for (const type of entry.types)
    for (const field of type.fields) count[decide(type.name, field.name).effect] += 1;
  return {
    fieldsAllowed: count.allow,
    fieldsMasked: count.mask,
    fieldsDenied: count.deny,
    rowFiltered: entry.types.filter((t) => rowFilters.has(t.name)).map((t) => t.name),
  };
}

/** A refusal as a tool's result: the agent reads the code and the message. */
export function refusal(code: ErrorCode, message = messageOf(code)): ToolOutcome {
  const answer = { error: { code, message } };
  return {
    outcome: 'rejected',
    result: {
      isError: true,
      content: [{ type: 'text', text: JSON.stringify(answer) }],
      structuredContent: answer,
    },
  };
}

/** A tool's answer: JSON for the agent to read, and the same as structured content. */
export function answer(value: Record<string, unknown>): ToolOutcome {
  return {
    outcome: 'ok',
    result: { content: [{ type: 'text', text: JSON.stringify(value, null, 2) }], structuredContent: value },
  };
}

export function isToolOutcome(value: Catalog | ToolOutcome): value is ToolOutcome {
  return 'result' in value;
}
