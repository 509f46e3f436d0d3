import cytoscape from 'cytoscape';
import dagre from 'cytoscape-dagre';
import { useEffect, useRef } from 'react';
import type { LineageGraph } from '../lineage-graph-model.js';

cytoscape.use(dagre);

/**
 * Cytoscape's renderer injects a <style> element (`position: relative` for its container)
 * unless one with this id exists; the CSP refuses inline styles, so console.css carries the
 * rule and this marker tells cytoscape it is there.
 */
const CYTOSCAPE_STYLESHEET_ID = '__________cytoscape_stylesheet';
function markCytoscapeStylesheet(): void {
  if (document.getElementById(CYTOSCAPE_STYLESHEET_ID)) return;
  const marker = document.createElement('meta');
  marker.id = CYTOSCAPE_STYLESHEET_ID;
  document.head.append(marker);
}

/** Labels of 12 px stay at least 10 px on screen at this zoom. */
const READABLE_ZOOM = 0.85;

/**
 * Fitting a mesh's whole lineage (dozens of fields) into the view zooms out until labels vanish
 * (below `min-zoomed-font-size`); so a large graph opens at a readable zoom on its top left,
 * and panning and zooming show the rest.
 */
function readable(cy: cytoscape.Core): void {
  if (cy.zoom() >= READABLE_ZOOM) return;
  const box = cy.elements().boundingBox();
  cy.zoom(READABLE_ZOOM);
  cy.pan({ x: 24 - box.x1 * READABLE_ZOOM, y: 24 - box.y1 * READABLE_ZOOM });
}

/**
 * The lineage graph, laid out by dagre (consumers → fields → products, left to right), with
 * cytoscape's pan and zoom. Edge labels show counts; masked edges are dashed orange, denied
 * ones red. Clicking a node calls `onSelect` with its id.
 */
export function LineageGraphView({
  graph,
  onSelect,
}: {
  graph: LineageGraph;
  onSelect: (id: string) => void;
}) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!container.current) return undefined;
    markCytoscapeStylesheet();
    const cy = cytoscape({
      container: container.current,
      elements: [
        ...graph.nodes.map((n) => ({ data: { id: n.id, label: `${n.label} (${n.count})`, kind: n.kind } })),
        ...graph.edges.map((e) => ({
          data: {
            id: e.id,
            source: e.source,
            target: e.target,
            label: e.decision === 'serves' ? String(e.count) : `${e.count} ${e.decision}`,
            decision: e.decision,
          },
        })),
      ],
      style: [
        {
          selector: 'node',
          style: {
            label: 'data(label)',
            'font-size': 12,
            'min-zoomed-font-size': 7,
            'text-valign': 'center',
            'text-halign': 'right',
            'text-margin-x': 4,
            width: 18,
            height: 18,
          },
        },
        {
          selector: 'node[kind = "consumer"]',
          style: { 'background-color': '#2563eb', shape: 'round-rectangle' },
        },
        {
          selector: 'node[kind = "field"]',
          style: { 'background-color': '#6b7280', shape: 'ellipse', width: 12, height: 12 },
        },
        {
          selector: 'node[kind = "product"]',
          style: { 'background-color': '#059669', shape: 'hexagon', width: 24, height: 24 },
        },
        { selector: 'node:selected', style: { 'border-width': 3, 'border-color': '#f59e0b' } },
        {
          selector: 'edge',
          style: {
            width: 1.5,
            'curve-style': 'bezier',
            'target-arrow-shape': 'triangle',
            label: 'data(label)',
            'font-size': 9,
            'min-zoomed-font-size': 6,
            'line-color': '#9ca3af',
            'target-arrow-color': '#9ca3af',
            'text-background-color': '#fff',
            'text-background-opacity': 1,
          },
        },
        {
          selector: 'edge[decision = "mask"]',
          style: {
            'line-color': '#f97316',
            'target-arrow-color': '#f97316',
            'line-style': 'dashed',
            color: '#c2410c',
          },
        },
        {
          selector: 'edge[decision = "deny"]',
          style: {
            'line-color': '#dc2626',
            'target-arrow-color': '#dc2626',
            'line-style': 'dotted',
            color: '#b91c1c',
          },
        },
      ],
      // dagre spaces a rank's nodes far wider than nodeSep asks once edges fan in; spacingFactor
      // compresses the whole drawing (rankSep doubled to keep the columns apart).
      layout: {
        name: 'dagre',
        rankDir: 'LR',
        nodeSep: 24,
        rankSep: 520,
        spacingFactor: 0.5,
      } as cytoscape.LayoutOptions,
      minZoom: 0.2,
      maxZoom: 4,
    });
    cy.on('tap', 'node', (event) => onSelect(String(event.target.id())));
    cy.ready(() => {
      readable(cy);
      // What the browser test reads: the zoom the graph opened at.
      if (container.current) container.current.dataset.zoom = cy.zoom().toFixed(2);
    });
    return () => cy.destroy();
  }, [graph, onSelect]);
  // Tall enough that a column of fields fits at a readable zoom (set through the CSSOM, which the CSP allows).
  const height = Math.max(480, graph.nodes.filter((n) => n.kind === 'field').length * 30);
  return <div className="lineage-graph" ref={container} data-testid="lineage-graph" style={{ height }} />;
}
