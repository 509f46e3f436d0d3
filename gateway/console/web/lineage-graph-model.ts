import type { LineageEvent } from '../../lineage/types.js';

export type NodeKind = 'consumer' | 'field' | 'product';

export interface GraphNode {
  /** `consumer:SUB/CLIENT`, `field:Type.field`, `product:NAME`. */
  readonly id: string;
  readonly kind: NodeKind;
  readonly label: string;
  /** Operations that touched it. */
  readonly count: number;
}

export interface GraphEdge {
  readonly id: string;
  readonly source: string;
  readonly target: string;
  readonly count: number;
  /** The policy decision on a consumer → field edge (the strictest seen); `serves` for field → product. */
  readonly decision: 'allow' | 'mask' | 'deny' | 'serves';
}

export interface LineageGraph {
  readonly nodes: readonly GraphNode[];
  readonly edges: readonly GraphEdge[];
}

const STRICTNESS = { allow: 0, mask: 1, deny: 2 } as const;

export const consumerId = (e: LineageEvent) => `consumer:${e.principal.sub}/${e.client.name ?? ''}`;

/**
 * Lineage as a graph: consumers (principal and client) read fields, which products serve.
 * Edges count operations; a consumer → field edge carries the policy decision, the strictest
 * one seen (a masked read is marked even if other reads were allowed).
 */
export function lineageGraph(events: readonly LineageEvent[]): LineageGraph {
  const nodes = new Map<string, { id: string; kind: NodeKind; label: string; count: number }>();
  const edges = new Map<
    string,
    { id: string; source: string; target: string; count: number; decision: GraphEdge['decision'] }
  >();
  const node = (id: string, kind: NodeKind, label: string) => {
    const n = nodes.get(id) ?? { id, kind, label, count: 0 };
    n.count += 1;
    nodes.set(id, n);
  };
  const edge = (source: string, target: string, decision: GraphEdge['decision']) => {
    const id = `${source}->${target}`;
    const e = edges.get(id) ?? { id, source, target, count: 0, decision };
    e.count += 1;
    if (decision !== 'serves' && e.decision !== 'serves' && STRICTNESS[decision] > STRICTNESS[e.decision])
      e.decision = decision;
    edges.set(id, e);
  };
  for (const event of events) {
    const consumer = consumerId(event);
    node(
      consumer,
      'consumer',
      event.client.name ? `${event.principal.sub} (${event.client.name})` : event.principal.sub,
    );
    const seen = new Set<string>();
    for (const field of event.fields) {
      if (seen.has(field.coordinate)) continue;
      seen.add(field.coordinate);
      const fieldId = `field:${field.coordinate}`;
      const productId = `product:${field.product}`;
      node(fieldId, 'field', field.coordinate);
      edge(consumer, fieldId, field.decision.effect);
      if (!seen.has(productId)) {
        seen.add(productId);
        node(productId, 'product', field.product);
      }
      edge(fieldId, productId, 'serves');
    }
  }
  return { nodes: [...nodes.values()], edges: [...edges.values()] };
}

/** The events a node stands for, for the drill-down. */
export function eventsOf(events: readonly LineageEvent[], nodeId: string): LineageEvent[] {
  const [kind, ...rest] = nodeId.split(':');
  const key = rest.join(':');
  return events.filter((e) =>
    kind === 'consumer'
      ? consumerId(e) === nodeId
      : kind === 'field'
        ? e.fields.some((f) => f.coordinate === key)
        : e.fields.some((f) => f.product === key),
  );
}
