import { describe, expect, it } from 'vitest';
import type { FieldDecision } from '../common/types.js';
import { sampleEvent } from '../../test/support/lineage-event.js';
import type { FieldRead } from './types.js';
import { parseWire, serialize, shapeLine, withShape } from './wire.js';
import { ANALYST } from '../../test/support/principal.js';

const analyst = ANALYST;
const READS: FieldRead[] = Array.from({ length: 20 }, (_, i) => ({
  path: `orders.customer.field${i}`,
  coordinate: `Customer.field${i % 10}`,
  product: i % 2 ? 'customers' : 'orders',
  type: 'String',
}));
const MASKED: FieldDecision[] = [
  { coordinate: 'Customer.field1', effect: 'mask', strategy: 'hash', rule: 'analyst-email-hashed' },
];

const eventOf = (reads: readonly FieldRead[], decisions: readonly FieldDecision[]) =>
  sampleEvent({
    requestId: 'r1 "quoted" \\ caf\u00e9',
    client: { name: 'app', version: '2' },
    principal: analyst,
    decisions,
    fetches: [{ subgraph: 'orders', durationMs: 1.5, entityCount: 3, ok: true }],
    operation: { name: 'Q', type: 'query', hash: 'abc' },
    reads,
  });

describe('the wire form of lineage events', () => {
  it('events of one operation and decisions share one shape; other decisions make another', () => {
    const [a, b, other] = [eventOf(READS, MASKED), eventOf(READS, MASKED), eventOf(READS, [])];
    expect(a.fields).toBe(b.fields); // built once per operation × decisions
    const [sa, sb, so] = [serialize(a), serialize(b), serialize(other)];
    expect(sa.shape).toBe(sb.shape);
    expect(sa.shape.id).toMatch(/^[\w-]{22}$/);
    expect(so.shape.id).not.toBe(sa.shape.id);
    expect(sa.shape.coordinates).toHaveLength(10); // 20 reads of 10 distinct coordinates
    expect(sa.shape.products).toEqual(['customers', 'orders']);
    expect(sa.shape.fields.find((f) => f.coordinate === 'Customer.field1')?.decision).toEqual({
      effect: 'mask',
      strategy: 'hash',
      rule: 'analyst-email-hashed',
    });
  });

  it('an event is its compact JSON plus its shape, and reads back equal to what was recorded', () => {
    const event = eventOf(READS, MASKED);
    const { json, shape } = serialize(event);
    const compact = JSON.parse(json) as Record<string, unknown>;
    expect(compact).not.toHaveProperty('fields');
    expect(compact).not.toHaveProperty('products');
    expect(compact.shape).toBe(shape.id);
    // Built from parts, it is exactly the JSON of the compact event.
    const { fields: _fields, products: _products, ...rest } = event;
    expect(json).toBe(JSON.stringify({ ...rest, shape: shape.id }));
    // The fields are most of an event: the compact form is under a fifth of the full one here.
    expect(json.length * 5).toBeLessThan(JSON.stringify(event).length);

    const definition = parseWire(shapeLine(shape));
    expect(definition?.kind).toBe('shape');
    if (definition?.kind !== 'shape') return;
    expect(definition.shape.id).toBe(shape.id);
    expect(definition.shape.json).toBe(shape.json);

    const record = parseWire(json);
    expect(record?.kind).toBe('compact');
    if (record?.kind !== 'compact') return;
    expect(withShape(record.event, definition.shape)).toEqual(event);
  });

  it('reads a full event written before shapes existed, and refuses what is not a record', () => {
    const event = eventOf(READS, []);
    expect(parseWire(JSON.stringify(event))).toEqual({ kind: 'full', event });
    for (const bad of ['not json', '{"id":"torn', 'null', '[]', '{"id":"x","time":"t"}', '{"shape":"s"}'])
      expect(parseWire(bad)).toBeNull();
  });
});
