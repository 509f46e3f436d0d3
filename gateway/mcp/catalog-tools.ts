import type { DataProductDescriptor } from '../protocol/index.js';
import { ErrorCode } from '../common/errors.js';
import type { CatalogEntry } from '../catalog/types.js';
import type { WindowSli } from '../health/slo-types.js';
import { accessSummary, answer, isToolOutcome, refusal, type CallerView } from './caller-view.js';
import type { McpTool } from './types.js';

const text = (description: string) => ({ type: 'string', description }) as const;

/**
 * `search_data_products`: the catalog searched by name, domain, owner, tag or field (all
 * given terms must match, case-insensitively, as substrings). Each product comes with its
 * owner, its health (up or down, and the measured health signal) and what the caller may
 * read: fields allowed, masked and denied, and the types whose rows are filtered.
 */
export function searchDataProducts(view: CallerView): McpTool {
  return {
    name: 'search_data_products',
    title: 'Search data products',
    description:
      "Search the data product catalog by free text, domain, owner, tag or field. Returns each matching product with its owner, health and what you may read (fields allowed, masked, denied; row filters). Call describe_data_product for one product's contract and per-field decisions.",
    inputSchema: {
      type: 'object',
      properties: {
        query: text('Free text: matched against name, domain, owner, description, tags, types and fields'),
        domain: text('Business domain, e.g. Customer'),
        owner: text('Owning team or its e-mail'),
        tag: text('A tag of the product'),
        field: text('A type, field or coordinate such as Customer.email'),
      },
      additionalProperties: false,
    },
    annotations: { readOnlyHint: true, openWorldHint: false },
    async call(args, { principal }) {
      const catalog = await view.catalog(principal);
      if (isToolOutcome(catalog)) return catalog;
      const decide = view.decide(principal);
      const rowFilters = view.rowFilters(principal);
      const products = catalog.products
        .filter((entry) => matches(entry, args))
        .map((entry) => ({
          name: entry.name,
          domain: entry.descriptor?.domain ?? null,
          owner: entry.descriptor?.owner ?? null,
          description: entry.descriptor?.description ?? null,
          status: entry.descriptor?.status ?? null,
          tags: entry.descriptor?.tags ?? [],
          health: {
            service: entry.health.status,
            data: entry.dataHealth
              ? { state: entry.dataHealth.state, reasons: entry.dataHealth.reasons }
              : null,
          },
          yourAccess: accessSummary(entry, decide, rowFilters),
        }));
      return answer({ supergraphId: catalog.supergraphId, count: products.length, products });
    },
  };
}

/**
 * `describe_data_product`: one product's contract (purpose, SLA, quality rules, measured
 * health) and every field it serves with its type, classification and the caller's own
 * decision (allow; mask with its strategy; deny; with the rule), and each type's row filter.
 */
export function describeDataProduct(
  view: CallerView,
  descriptors: () => readonly DataProductDescriptor[],
): McpTool {
  return {
    name: 'describe_data_product',
    title: 'Describe a data product',
    description:
      "One data product's contract (purpose, owner, SLA, quality rules, measured health) and its fields with their types, classifications and YOUR decision on each: allow, mask (with the strategy, e.g. hash), deny, and the row filter on each type. Denied fields can be asked for with request_access.",
    inputSchema: {
      type: 'object',
      properties: { product: text('The data product, e.g. customers (search_data_products lists them)') },
      required: ['product'],
      additionalProperties: false,
    },
    annotations: { readOnlyHint: true, openWorldHint: false },
    async call(args, { principal }) {
      const catalog = await view.catalog(principal);
      if (isToolOutcome(catalog)) return catalog;
      const entry = catalog.products.find((p) => p.name === args.product);
      if (!entry)
        return refusal(
          ErrorCode.UNKNOWN_SUBGRAPH,
          `no data product "${String(args.product)}" (known: ${catalog.products.map((p) => p.name).join(', ')})`,
        );
      const descriptor = descriptors().find((d) => d.name === entry.name);
      const decide = view.decide(principal);
      const rowFilters = view.rowFilters(principal);
      return answer({
        name: entry.name,
        contract: descriptor
          ? {
              domain: descriptor.domain,
              owner: descriptor.owner,
              purpose: descriptor.description,
              version: descriptor.version,
              status: descriptor.status,
              tags: descriptor.tags,
              sla: descriptor.sla,
              quality: descriptor.quality.map((rule) => ({
                id: rule.id,
                on: rule.property ? `${rule.object}.${rule.property}` : rule.object,
                dimension: rule.dimension,
                severity: rule.severity,
                metric: rule.type === 'library' ? rule.metric : 'sql',
                threshold: rule.threshold,
                description: rule.description,
              })),
              approvers: descriptor.roles.map((r) => ({
                role: r.role,
                access: r.access,
                approvers: r.firstLevelApprovers,
              })),
              resource: `meshgate://contracts/${entry.name}`,
            }
          : null,
        health: { service: entry.health, data: dataHealthOf(entry) },
        yourAccess: accessSummary(entry, decide, rowFilters),
        types: entry.types.map((type) => ({
          name: type.name,
          description: type.description,
          rowFilter: rowFilters.get(type.name) ?? null,
          fields: type.fields.map((field) => ({
            name: field.name,
            coordinate: `${type.name}.${field.name}`,
            type: field.type,
            description: field.description,
            classification: field.classification,
            decision: decide(type.name, field.name),
          })),
        })),
      });
    },
  };
}

/** The measured health an agent needs: the signal, its reasons, the promise, and the last hour and 30 days. */
function dataHealthOf({ dataHealth }: CatalogEntry) {
  if (!dataHealth) return null;
  const window = (w: WindowSli) => ({
    fetches: w.fetches,
    availability: w.availability,
    errorRate: w.errorRate,
    latencyP95Ms: w.latencyMs.p95,
  });
  const { windows } = dataHealth.measured;
  return {
    state: dataHealth.state,
    reasons: dataHealth.reasons,
    declared: dataHealth.declared,
    measured: { lastHour: window(windows['1h']), last30Days: window(windows['30d']) },
  };
}

function matches(entry: CatalogEntry, args: Readonly<Record<string, unknown>>): boolean {
  const has = (haystack: readonly (string | null | undefined)[], needle: unknown) =>
    typeof needle !== 'string' ||
    haystack.some((h) => typeof h === 'string' && h.toLowerCase().includes(needle.toLowerCase()));
  const d = entry.descriptor;
  const fields = entry.types.flatMap((t) => [t.name, ...t.fields.map((f) => `${t.name}.${f.name}`)]);
  return (
    has(
      [entry.name, d?.domain, d?.owner.team, d?.owner.email, d?.description, ...(d?.tags ?? []), ...fields],
      args.query,
    ) &&
    has([d?.domain], args.domain) &&
    has([d?.owner.team, d?.owner.email], args.owner) &&
    has(d?.tags ?? [], args.tag) &&
    has(fields, args.field)
  );
}
