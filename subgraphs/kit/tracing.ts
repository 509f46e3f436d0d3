import { SpanKind, TraceFlags, trace, type Attributes, type Span } from '@opentelemetry/api';
import {
  ATTR_DB_COLLECTION_NAME,
  ATTR_DB_NAMESPACE,
  ATTR_DB_OPERATION_NAME,
  ATTR_DB_QUERY_TEXT,
  ATTR_DB_SYSTEM_NAME,
  DB_SYSTEM_NAME_VALUE_POSTGRESQL,
} from '@opentelemetry/semantic-conventions';
import type { FastifyInstance } from 'fastify';
import { defaultFieldResolver, type GraphQLSchema } from 'graphql';
import { endWhenSettled } from '../../gateway/common/end-when-settled.js';
import { tracingActive } from '../../gateway/common/tracing-active.js';
import { PRODUCT_ATTRIBUTE, traceRequests } from '../../gateway/protocol/index.js';

/**
 * A data product continues the gateway's trace: a server span per /graphql request (child of
 * the gateway's fetch span, from the `traceparent` it sent), a span per root-field resolver
 * (`_entities`, which runs the `__resolveReference`s, included) and one per SQL statement.
 *
 * `npm start` runs the gateway and all five products in one process, and the OpenTelemetry API
 * has one tracer provider per process, so one resource (`service.name`): a resource per product
 * is impossible there. The product is named instead by the span names (`subgraph orders`,
 * `orders.resolve Query.order`, `orders.sql SELECT orders`) and by the `meshgate.product` attribute on every span the kit makes. A product run alone
 * (`meshgate subgraph orders`) has its own process and provider as well.
 */
const TRACER = 'meshgate-subgraph';

export function traceSubgraph(app: FastifyInstance, product: string): void {
  traceRequests(app, '/graphql', {
    name: `subgraph ${product}`,
    attributes: { [PRODUCT_ATTRIBUTE]: product },
  });
}

/**
 * Wraps the root fields' resolvers (Query, Mutation) in a span each: the data access of a
 * request starts there (nested fields resolve from what they loaded, or through the same
 * DataLoaders), so this is where a product's time goes, at a span or two per fetch. The
 * field's arguments are not recorded (they are variable values).
 */
export function traceResolvers(schema: GraphQLSchema, product: string): GraphQLSchema {
  for (const type of [schema.getQueryType(), schema.getMutationType()]) {
    if (!type) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = field.resolve ?? defaultFieldResolver;
      const name = `${product}.resolve ${type.name}.${field.name}`;
      const attributes: Attributes = {
        [PRODUCT_ATTRIBUTE]: product,
        'graphql.field.name': field.name,
        'graphql.field.type': type.name,
      };
      field.resolve = (source, args, ctx, info) =>
        recording()
          ? trace
              .getTracer(TRACER)
              .startActiveSpan(name, { attributes }, (span) =>
                ended(span, () => resolve(source, args, ctx, info)),
              )
          : resolve(source, args, ctx, info);
    }
  }
  return schema;
}

/**
 * A span per statement, `orders.sql SELECT orders`, with its shape (`db.query.text`: the parameterised
 * text, literals replaced by `?` in case one was inlined) and never its parameters. Only
 * inside a sampled request: seeding and the quality schedule's probes would otherwise each
 * start a trace of their own.
 */
export function sqlSpan<T>(product: string, sql: string, run: () => Promise<T>): Promise<T> {
  if (!recording()) return run();
  const shape = shapeOf(sql);
  return trace.getTracer(TRACER).startActiveSpan(
    `${product}.sql ${shape.name}`,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        [PRODUCT_ATTRIBUTE]: product,
        [ATTR_DB_SYSTEM_NAME]: DB_SYSTEM_NAME_VALUE_POSTGRESQL,
        [ATTR_DB_NAMESPACE]: product,
        [ATTR_DB_QUERY_TEXT]: shape.text,
        ...shape.attributes,
      },
    },
    (span) => ended(span, run, true),
  );
}

interface StatementShape {
  readonly name: string;
  readonly text: string;
  readonly attributes: Attributes;
}

/** The statements are the data access code's own text, a few dozen: each is shaped once. */
const shapes = new Map<string, StatementShape>();
const MAX_SHAPES = 1_000;

/** The statement's shape: whitespace folded, string and number literals as `?` (placeholders `$n` stay). */
export function statementShape(sql: string): string {
  return sql
    .replace(/'(?:[^']|'')*'/g, '?')
    .replace(/(?<![\w$.])\d+(?:\.\d+)?\b/g, '?')
    .replace(/\s+/g, ' ')
    .trim();
}

function shapeOf(sql: string): StatementShape {
  let shape = shapes.get(sql);
  if (!shape) {
    const text = statementShape(sql);
    const operation = /^\s*([A-Za-z]+)/.exec(text)?.[1]?.toUpperCase() ?? 'SQL';
    const table = /\bFROM\s+([A-Za-z_][\w.]*)/i.exec(text)?.[1];
    shape = {
      // Database semantic conventions: `{db.operation.name} {db.collection.name}`.
      name: table ? `${operation} ${table}` : operation,
      text,
      attributes: { [ATTR_DB_OPERATION_NAME]: operation, ...(table && { [ATTR_DB_COLLECTION_NAME]: table }) },
    };
    if (shapes.size < MAX_SHAPES) shapes.set(sql, shape);
  }
  return shape;
}

/**
 * A provider is registered and the caller is inside a sampled trace. The sampled flag, not
 * `isRecording()`: a batched load (the `_entities` DataLoader) runs its statement after the
 * resolver span that scheduled it has ended, and its span still belongs under that resolver.
 */
function recording(): boolean {
  if (!tracingActive()) return false;
  const span = trace.getActiveSpan();
  return span !== undefined && (span.spanContext().traceFlags & TraceFlags.SAMPLED) !== 0;
}

/** Ends the span when `fn` settles; a statement's span also counts the rows it returned. */
function ended<T>(span: Span, fn: () => T, countRows = false): T {
  return endWhenSettled(
    span,
    fn,
    countRows
      ? (value) => {
          if (Array.isArray(value)) span.setAttribute('db.response.returned_rows', value.length);
        }
      : undefined,
  );
}
