import type { LineageEvent, LineageField } from './types.js';

/**
 * Lineage events as OpenLineage RunEvents (spec 2-0-2): the run is the operation's execution
 * (runId = event id), the job the named operation, the inputs the data products read (each
 * with a schema facet of the fields read), the output the response with a columnLineage facet
 * mapping each response path to the input field it came from; a masked field's
 * transformation carries `masking: true`. Denied fields never reach the response, so they
 * have no column lineage; they are listed in the `meshgate` run facet with every decision.
 */

export const PRODUCER = 'https://github.com/meshgate/meshgate/tree/main/gateway/lineage';
const SPEC = 'https://openlineage.io/spec';
const SCHEMA_URL = `${SPEC}/2-0-2/OpenLineage.json#/$defs/RunEvent`;
const facet = (path: string) => ({ _producer: PRODUCER, _schemaURL: `${SPEC}/${path}` });

export type OpenLineageRunEvent = Record<string, unknown> & {
  run: { runId: string; facets: Record<string, unknown> };
  job: { namespace: string; name: string; facets: Record<string, unknown> };
};

/** Input facets per data product (dataQualityMetrics, dataQualityAssertions: health/openlineage-facets.ts). */
export type DatasetInputFacets = ReadonlyMap<string, Readonly<Record<string, unknown>>>;

export function toOpenLineage(
  event: LineageEvent,
  namespace = 'meshgate',
  /** Each product's quality and SLO facets, put on the input dataset that names it. */
  inputFacets: DatasetInputFacets = new Map(),
): OpenLineageRunEvent {
  const jobName =
    event.operation.name ??
    (event.operation.hash ? `anonymous-${event.operation.hash.slice(0, 12)}` : 'unparsed-request');
  const served = event.fields.filter((f) => f.decision.effect !== 'deny');
  const byProduct = new Map<string, LineageField[]>();
  for (const field of event.fields)
    byProduct.set(field.product, [...(byProduct.get(field.product) ?? []), field]);
  const failed = event.outcome === 'error' || event.outcome === 'rejected';

  return {
    eventTime: event.time,
    producer: PRODUCER,
    schemaURL: SCHEMA_URL,
    eventType: failed ? 'FAIL' : 'COMPLETE',
    run: {
      runId: event.id,
      facets: {
        meshgate: {
          ...facet('2-0-2/OpenLineage.json#/$defs/RunFacet'),
          requestId: event.requestId,
          principal: event.principal,
          client: event.client,
          operationHash: event.operation.hash,
          operationType: event.operation.type,
          outcome: event.outcome,
          durationMs: event.durationMs,
          fetches: event.fetches,
          decisions: event.fields.map((f) => ({ coordinate: f.coordinate, ...f.decision })),
          // The trace that served it (OpenTelemetry on), and the row filters the products applied.
          ...(event.traceId && { traceId: event.traceId }),
          ...(event.rowFilters && { rowFilters: event.rowFilters }),
          // An MCP tool call's read: the tool (the client is `mcp:<name>/<version>`).
          ...(event.origin && { origin: event.origin }),
        },
        ...(failed && {
          errorMessage: {
            ...facet('facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet'),
            message: `${event.outcome}: ${event.errorCodes.join(', ') || 'no code'}`,
            programmingLanguage: 'GraphQL',
          },
        }),
      },
    },
    job: {
      namespace,
      name: jobName,
      facets: {
        jobType: {
          ...facet('facets/2-0-4/JobTypeJobFacet.json#/$defs/JobTypeJobFacet'),
          processingType: 'BATCH',
          integration: 'MESHGATE',
          jobType: 'QUERY',
        },
      },
    },
    inputs: [...byProduct].map(([product, fields]) => ({
      namespace,
      name: product,
      facets: {
        schema: schemaFacet(
          unique(fields, (f) => f.coordinate).map((f) => ({ name: f.coordinate, type: f.type })),
        ),
      },
      ...(inputFacets.has(product) && { inputFacets: inputFacets.get(product) }),
    })),
    outputs: [
      {
        namespace,
        name: `response/${jobName}`,
        facets: {
          schema: schemaFacet(served.map((f) => ({ name: f.path, type: f.type }))),
          columnLineage: {
            ...facet('facets/1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet'),
            fields: Object.fromEntries(
              served.map((f) => [
                f.path,
                {
                  inputFields: [
                    {
                      namespace,
                      name: f.product,
                      field: f.coordinate,
                      transformations: [
                        f.decision.effect === 'mask'
                          ? {
                              type: 'DIRECT',
                              subtype: 'TRANSFORMATION',
                              description: `masked: ${f.decision.strategy} (${f.decision.rule})`,
                              masking: true,
                            }
                          : { type: 'DIRECT', subtype: 'IDENTITY', masking: false },
                      ],
                    },
                  ],
                },
              ]),
            ),
          },
        },
      },
    ],
  };
}

function schemaFacet(fields: { name: string; type: string }[]) {
  return {
    ...facet('facets/1-2-0/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet'),
    fields: unique(fields, (f) => f.name),
  };
}

function unique<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => !seen.has(key(item)) && seen.add(key(item)));
}
