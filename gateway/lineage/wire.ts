import { memoByObject } from '../common/memo-by-object.js';
import { isFieldList, isStringList, makeShape, shapeOf } from './shape.js';
import type { LineageEvent, SerializedEvent, Shape } from './types.js';

/**
 * The wire form of lineage, shared by the spool and the Redis stream: one JSON object per
 * event, with its fields and products (about nine tenths of it) replaced by the id of its
 * shape, and one JSON object per shape, written before the first event that refers to it.
 * Events written before shapes existed (a full event per line) are still read.
 */

/** An event as the wire holds it: without what its shape holds. */
export type CompactEvent = Omit<LineageEvent, 'fields' | 'products'> & { readonly shape: string };

/** One line or stream entry read back. */
export type WireRecord =
  | { readonly kind: 'shape'; readonly shape: Shape }
  | { readonly kind: 'compact'; readonly event: CompactEvent }
  /** A full event, as written before shapes existed. */
  | { readonly kind: 'full'; readonly event: LineageEvent };

/**
 * Runs on the writer, once per event: a shape lookup and a JSON of about 550 bytes, the same
 * as `JSON.stringify` of the compact event. The principal and operation parts are shared by
 * many events (event.ts, use-lineage.ts), so their JSON is kept per object.
 */
export function serialize(event: LineageEvent): SerializedEvent {
  const shape = shapeOf(event.fields, event.products);
  const json =
    `{"id":${JSON.stringify(event.id)},"time":${JSON.stringify(event.time)},` +
    `"requestId":${JSON.stringify(event.requestId)},` +
    (event.traceId ? `"traceId":${JSON.stringify(event.traceId)},` : '') +
    `"principal":${sharedJson(event.principal)},` +
    (event.rowFilters ? `"rowFilters":${sharedJson(event.rowFilters)},` : '') +
    `"client":${JSON.stringify(event.client)},` +
    (event.origin ? `"origin":${JSON.stringify(event.origin)},` : '') +
    `"operation":${sharedJson(event.operation)},` +
    `"fetches":${JSON.stringify(event.fetches)},"outcome":${JSON.stringify(event.outcome)},` +
    `"errorCodes":${JSON.stringify(event.errorCodes)},"durationMs":${JSON.stringify(event.durationMs)},` +
    `"shape":${JSON.stringify(shape.id)}}`;
  return { event, shape, json };
}

const sharedJson = memoByObject((value: object): string => JSON.stringify(value));

/** The spool's definition line of a shape: its JSON with its id in front. */
export function shapeLine(shape: Shape): string {
  return `{"shape":${JSON.stringify(shape.id)},${shape.json.slice(1)}`;
}

/** Null when the text is none of the three (a torn write, a bad edit). */
export function parseWire(text: string): WireRecord | null {
  let value: Partial<Record<keyof LineageEvent | 'shape', unknown>> | null;
  try {
    value = JSON.parse(text) as typeof value;
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  if (value.id === undefined && typeof value.shape === 'string') {
    if (!isFieldList(value.fields) || !isStringList(value.products)) return null;
    return { kind: 'shape', shape: makeShape(value.fields, value.products, { id: value.shape }) };
  }
  if (typeof value.id !== 'string' || typeof value.time !== 'string' || !value.principal) return null;
  if (typeof value.shape === 'string') return { kind: 'compact', event: value as unknown as CompactEvent };
  if (!isFieldList(value.fields) || !isStringList(value.products)) return null;
  return { kind: 'full', event: value as unknown as LineageEvent };
}

/** The event a compact record and its shape stand for. */
export function withShape(compact: CompactEvent, shape: Shape): LineageEvent {
  const { shape: _id, ...rest } = compact;
  return { ...rest, fields: shape.fields, products: shape.products };
}
