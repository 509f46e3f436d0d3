import { useCallback, useMemo, useState, type FormEvent } from 'react';
import type { LineageEvent } from '../../../lineage/types.js';
import { LineageGraphView } from '../components/lineage-graph.js';
import { Show } from '../components/panels.js';
import { eventsOf, lineageGraph } from '../lineage-graph-model.js';
import { useApi } from '../use-api.js';

const WINDOWS = ['5m', '1h', '6h', '24h', '7d', '30d'] as const;

interface Filter {
  product: string;
  field: string;
  principal: string;
  since: string;
}

/** Lineage as a graph, filtered by product, field, principal and window; a node drills down to its events. */
export function LineagePage() {
  const [draft, setDraft] = useState<Filter>({ product: '', field: '', principal: '', since: '1h' });
  const [filter, setFilter] = useState<Filter>(draft);
  const query = new URLSearchParams({ since: filter.since, limit: '5000' });
  for (const key of ['product', 'field', 'principal'] as const)
    if (filter[key].trim()) query.set(key, filter[key].trim());
  const lineage = useApi<{ count: number; events: LineageEvent[] }>(`/admin/lineage?${query.toString()}`);
  const apply = (event: FormEvent) => {
    event.preventDefault();
    setFilter(draft);
  };
  const input = (key: keyof Filter, placeholder: string) => (
    <input
      name={key}
      placeholder={placeholder}
      value={draft[key]}
      onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
    />
  );
  return (
    <section>
      <h2>Lineage</h2>
      <form className="filters" onSubmit={apply}>
        {input('product', 'product, e.g. customers')}
        {input('field', 'field, e.g. Customer.email')}
        {input('principal', 'principal, e.g. ana')}
        <select
          name="since"
          value={draft.since}
          onChange={(e) => setDraft({ ...draft, since: e.target.value })}
          aria-label="time window"
        >
          {WINDOWS.map((w) => (
            <option key={w} value={w}>
              last {w}
            </option>
          ))}
        </select>
        <button type="submit">Filter</button>
      </form>
      <Show loaded={lineage} what="Lineage (/admin/lineage)">
        {(data) => <LineageView events={data.events} />}
      </Show>
    </section>
  );
}

function LineageView({ events }: { events: readonly LineageEvent[] }) {
  const graph = useMemo(() => lineageGraph(events), [events]);
  const [selected, setSelected] = useState<string | null>(null);
  const onSelect = useCallback((id: string) => setSelected(id), []);
  const drill = selected ? eventsOf(events, selected).slice(-100).reverse() : [];
  if (events.length === 0) return <p className="muted">No lineage events match.</p>;
  return (
    <div className="lineage">
      <p className="muted">
        {events.length} events · {graph.nodes.length} nodes · {graph.edges.length} edges. Scroll to zoom, drag
        to pan; dashed orange edges were masked, dotted red denied.
      </p>
      <LineageGraphView graph={graph} onSelect={onSelect} />
      <div className="lineage-side">
        <details>
          <summary>The graph as a list</summary>
          <ul data-testid="lineage-nodes">
            {graph.nodes.map((n) => (
              <li key={n.id} data-node={n.id} data-kind={n.kind}>
                <button type="button" className="link" onClick={() => setSelected(n.id)}>
                  {n.kind} {n.label}
                </button>{' '}
                ({n.count})
              </li>
            ))}
          </ul>
        </details>
        {selected && (
          <div className="panel" data-testid="lineage-drilldown">
            <h3>
              {selected} <span className="muted">({drill.length} newest events)</span>
            </h3>
            <table className="grid compact">
              <thead>
                <tr>
                  <th>time</th>
                  <th>principal</th>
                  <th>client</th>
                  <th>operation</th>
                  <th>outcome</th>
                  <th>masked / denied</th>
                </tr>
              </thead>
              <tbody>
                {drill.map((e) => (
                  <tr key={e.id}>
                    <td>{e.time}</td>
                    <td>{e.principal.sub}</td>
                    <td>{e.client.name ?? '—'}</td>
                    <td>{e.operation.name ?? e.operation.hash?.slice(0, 12) ?? '—'}</td>
                    <td>{e.outcome}</td>
                    <td>
                      {e.fields
                        .filter((f) => f.decision.effect !== 'allow')
                        .map((f) => `${f.coordinate}:${f.decision.effect}`)
                        .join(', ') || '—'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </div>
    </div>
  );
}
