import { describe, expect, it } from 'vitest';
import type { LineageEvent, LineageField } from '../../lineage/types.js';
import { eventsOf, lineageGraph } from './lineage-graph-model.js';

const field = (coordinate: string, product: string, decision: LineageField['decision']): LineageField => ({
  path: coordinate.toLowerCase(),
  coordinate,
  product,
  type: 'String',
  decision,
});

const event = (id: string, sub: string, client: string | null, fields: LineageField[]): LineageEvent => ({
  id,
  time: `2026-12-03T12:00:0${id}Z`,
  requestId: id,
  principal: { sub, anonymous: false, roles: [] },
  client: { name: client, version: null },
  operation: { name: null, type: 'query', hash: null },
  fields,
  products: [...new Set(fields.map((f) => f.product))],
  fetches: [],
  outcome: 'ok',
  errorCodes: [],
  durationMs: 1,
});

const email = (effect: 'allow' | 'mask') =>
  field(
    'Customer.email',
    'customers',
    effect === 'mask' ? { effect, strategy: 'hash', rule: 'pii-hash' } : { effect, rule: null },
  );
const events = [
  event('1', 'ana', 'notebook', [
    email('allow'),
    field('Order.id', 'orders', { effect: 'allow', rule: null }),
  ]),
  event('2', 'ana', 'notebook', [email('mask')]),
  event('3', 'stew', null, [email('allow')]),
];

describe('the lineage graph', () => {
  it('has a node per consumer, field and product, with counts', () => {
    const graph = lineageGraph(events);
    expect(graph.nodes.map((n) => [n.id, n.label, n.count])).toEqual([
      ['consumer:ana/notebook', 'ana (notebook)', 2],
      ['field:Customer.email', 'Customer.email', 3],
      ['product:customers', 'customers', 3],
      ['field:Order.id', 'Order.id', 1],
      ['product:orders', 'orders', 1],
      ['consumer:stew/', 'stew', 1],
    ]);
  });

  it('marks an edge with the strictest decision seen on it', () => {
    const edges = Object.fromEntries(lineageGraph(events).edges.map((e) => [e.id, [e.count, e.decision]]));
    expect(edges).toEqual({
      'consumer:ana/notebook->field:Customer.email': [2, 'mask'],
      'field:Customer.email->product:customers': [3, 'serves'],
      'consumer:ana/notebook->field:Order.id': [1, 'allow'],
      'field:Order.id->product:orders': [1, 'serves'],
      'consumer:stew/->field:Customer.email': [1, 'allow'],
    });
  });

  it('drills a node down to its events', () => {
    expect(eventsOf(events, 'consumer:ana/notebook').map((e) => e.id)).toEqual(['1', '2']);
    expect(eventsOf(events, 'product:orders').map((e) => e.id)).toEqual(['1']);
    expect(eventsOf(events, 'field:Customer.email').map((e) => e.id)).toEqual(['1', '2', '3']);
  });
});
