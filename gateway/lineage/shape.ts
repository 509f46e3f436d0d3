import { createHash } from 'node:crypto';
import type { LineageField, Shape } from './types.js';

/** Shapes by fields array, then by products: the events of one operation share both arrays. */
const interned = new WeakMap<readonly LineageField[], Map<string, Shape>>();

/**
 * The shape of an event's fields and products. `lineageEvent` hands every event of one
 * operation × decisions the same fields array, so this is a map lookup per event; an array
 * seen for the first time (an event read back, a test's) costs one hash of its content.
 */
export function shapeOf(fields: readonly LineageField[], products: readonly string[]): Shape {
  let byProducts = interned.get(fields);
  if (!byProducts) interned.set(fields, (byProducts = new Map()));
  const key = products.join(',');
  let shape = byProducts.get(key);
  if (!shape) byProducts.set(key, (shape = makeShape(fields, products)));
  return shape;
}

/** A shape from its parts; its id and JSON are given when it was read back, else computed. */
export function makeShape(
  fields: readonly LineageField[],
  products: readonly string[],
  stored?: { readonly id: string; readonly json?: string },
): Shape {
  const json = stored?.json ?? JSON.stringify({ fields, products });
  return {
    // 128 bits of SHA-256: collisions are out of reach; ids are what the indexes and events carry.
    id: stored?.id ?? createHash('sha256').update(json).digest('base64url').slice(0, 22),
    fields,
    products,
    json,
    coordinates: [...new Set(fields.map((f) => f.coordinate))],
  };
}

/** A shape stored as its JSON under its id; null when the JSON is not one. */
export function shapeFromJson(id: string, json: string): Shape | null {
  try {
    const value = JSON.parse(json) as { fields?: unknown; products?: unknown } | null;
    if (!value || !isFieldList(value.fields) || !isStringList(value.products)) return null;
    return makeShape(value.fields, value.products, { id, json });
  } catch {
    return null;
  }
}

export function isFieldList(value: unknown): value is LineageField[] {
  return (
    Array.isArray(value) &&
    value.every((f: Partial<LineageField> | null) => typeof f?.coordinate === 'string' && !!f.decision)
  );
}

export function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((p) => typeof p === 'string');
}
