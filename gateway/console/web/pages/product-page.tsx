import { useMemo } from 'react';
import type { Catalog, CatalogEntry } from '../../../catalog/types.js';
import type { Incident } from '../../../alerts/incident-types.js';
import type { FreshnessReading } from '../../../health/types.js';
import type { LineageEvent } from '../../../lineage/types.js';
import type { ConsoleSessionView } from '../../server/types.js';
import { consumersByClient } from '../consumers.js';
import type { ProductContract, ProductQuality, SchemaVersions, SloAnswer } from '../console-types.js';
import { HealthBadge, Show, Unavailable } from '../components/panels.js';
import { SliChart } from '../components/sli-chart.js';
import { useApi } from '../use-api.js';

const seconds = (iso: string) => Date.parse(iso) / 1000;
const pct = (ratio: number | null | undefined) =>
  ratio === null || ratio === undefined ? '—' : `${(ratio * 100).toFixed(2)}%`;
const ms = (value: number | null | undefined) =>
  value === null || value === undefined ? '—' : `${Math.round(value)} ms`;

/** One data product: contract, fields and their rules, SLIs, quality, incidents, consumers, versions. */
export function ProductPage({ name, session }: { name: string; session: ConsoleSessionView }) {
  const path = encodeURIComponent(name);
  const catalog = useApi<Catalog>(`/catalog/${path}`);
  const contract = useApi<ProductContract>(`/console/api/products/${path}/contract`);
  return (
    <section className="product">
      <h2>
        Data product <code>{name}</code>
      </h2>
      <Show loaded={catalog} what="The product">
        {(data) => {
          const entry = data.products[0]!;
          return (
            <>
              <Header entry={entry} contract={contract.state === 'ok' ? contract.data : null} />
              <Fields entry={entry} />
              <Slis name={name} entry={entry} session={session} />
              <Quality name={name} />
              <Incidents name={name} session={session} />
              <Consumers entry={entry} session={session} />
              <Versions name={name} />
            </>
          );
        }}
      </Show>
    </section>
  );
}

function Header({ entry, contract }: { entry: CatalogEntry; contract: ProductContract | null }) {
  const d = entry.descriptor;
  return (
    <div className="panel" data-section="contract">
      <p>{d?.description ?? 'No data contract.'}</p>
      <dl className="facts">
        <dt>domain</dt>
        <dd>{d?.domain ?? '—'}</dd>
        <dt>owner</dt>
        <dd>{d ? `${d.owner.team} <${d.owner.email}>` : '—'}</dd>
        <dt>version</dt>
        <dd>
          {d?.version ?? '—'} ({d?.status})
        </dd>
        <dt>health</dt>
        <dd>
          <HealthBadge state={entry.dataHealth?.state} /> {entry.dataHealth?.reasons.join('; ')}
        </dd>
        <dt>support</dt>
        <dd>
          {contract?.available
            ? contract.support.map((s) => (
                <span key={`${s.channel}${s.url ?? ''}`} className="support">
                  {s.channel}
                  {s.tool ? ` (${s.tool})` : ''}: {s.url ?? '—'}
                </span>
              ))
            : '—'}
        </dd>
        <dt>access approvers</dt>
        <dd>
          {contract?.available
            ? contract.roles
                .map((r) => `${r.role} (${r.access}): ${r.firstLevelApprovers.join(', ')}`)
                .join('; ')
            : '—'}
        </dd>
      </dl>
    </div>
  );
}

function Fields({ entry }: { entry: CatalogEntry }) {
  return (
    <div className="panel" data-section="fields">
      <h3>Fields</h3>
      <table className="grid">
        <thead>
          <tr>
            <th>field</th>
            <th>type</th>
            <th>classification</th>
            <th>rules that cover it</th>
          </tr>
        </thead>
        <tbody>
          {entry.types.flatMap((t) =>
            t.fields.map((f) => (
              <tr key={`${t.name}.${f.name}`}>
                <td>
                  <code>
                    {t.name}.{f.name}
                  </code>
                </td>
                <td>
                  <code>{f.type}</code>
                </td>
                <td>
                  {f.classification.map((c) => (
                    <span key={c} className={`badge class-${c}`}>
                      {c}
                    </span>
                  ))}
                </td>
                <td>{f.policies.join(', ') || '—'}</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
    </div>
  );
}

function Slis({ name, entry, session }: { name: string; entry: CatalogEntry; session: ConsoleSessionView }) {
  const slo = useApi<SloAnswer>(
    session.can.slo ? `/admin/slo?product=${encodeURIComponent(name)}&series=1h` : null,
  );
  const quality = useApi<ProductQuality>(`/console/api/products/${encodeURIComponent(name)}/quality`);
  const sla = entry.dataHealth?.declared ?? null;
  return (
    <div className="panel" data-section="slis">
      <h3>SLIs over the last hour</h3>
      {session.can.slo ? (
        <Show loaded={slo} what="SLIs (/admin/slo)">
          {(data) => <SliCharts answer={data} />}
        </Show>
      ) : (
        <Unavailable>
          Availability and latency charts come from /admin/slo, which is for roles admin and data-steward.
        </Unavailable>
      )}
      <Show loaded={quality} what="Freshness readings">
        {(data) =>
          data.available && data.freshness.length > 0 ? (
            <FreshnessChart
              readings={data.freshness}
              maxLag={sla?.freshness.maxLagSeconds ?? data.freshness[0]!.maxLagSeconds}
            />
          ) : (
            <Unavailable>No freshness readings yet{data.available ? '' : `: ${data.reason}`}.</Unavailable>
          )
        }
      </Show>
    </div>
  );
}

function SliCharts({ answer }: { answer: SloAnswer }) {
  const health = answer.products[0];
  const points = answer.series?.points ?? [];
  const x = useMemo(() => points.map((p) => seconds(p.at)), [points]);
  const availability = useMemo(
    () => [
      {
        label: 'availability %',
        values: points.map((p) => (p.availability === null ? null : p.availability * 100)),
        color: '#2563eb',
      },
    ],
    [points],
  );
  const latency = useMemo(
    () => [
      { label: 'p50 ms', values: points.map((p) => p.latencyP50Ms), color: '#0891b2' },
      { label: 'p95 ms', values: points.map((p) => p.latencyP95Ms), color: '#7c3aed' },
      { label: 'p99 ms', values: points.map((p) => p.latencyP99Ms), color: '#db2777' },
    ],
    [points],
  );
  const declared = health?.declared;
  return (
    <>
      <div className="charts">
        <SliChart
          title="availability"
          unit="%"
          x={x}
          series={availability}
          sla={
            declared
              ? { label: `SLA ${declared.availabilityPercent}%`, value: declared.availabilityPercent }
              : undefined
          }
        />
        <SliChart
          title="latency p50 / p95 / p99"
          unit="ms"
          x={x}
          series={latency}
          sla={
            declared
              ? { label: `SLA p95 ${declared.latencyP95Ms} ms`, value: declared.latencyP95Ms }
              : undefined
          }
        />
      </div>
      {health && (
        <table className="grid compact" data-section="slo-windows">
          <thead>
            <tr>
              <th>window</th>
              <th title="fetches that reached the product, and its health probes">origin fetches</th>
              <th title="what the SLA is judged on">origin availability</th>
              <th>p50</th>
              <th>p95</th>
              <th>p99</th>
              <th>burn rate</th>
              <th title="what consumers got, entity cache hits included">served availability</th>
              <th>served from cache</th>
            </tr>
          </thead>
          <tbody>
            {Object.values(health.measured.windows).map((w) => (
              <tr key={w.window}>
                <td>{w.window}</td>
                <td>{w.fetches}</td>
                <td>{pct(w.availability)}</td>
                <td>{ms(w.latencyMs.p50)}</td>
                <td>{ms(w.latencyMs.p95)}</td>
                <td>{ms(w.latencyMs.p99)}</td>
                <td>{w.burnRate === null ? '—' : w.burnRate.toFixed(2)}</td>
                <td>{pct(health.measured.served?.[w.window].availability ?? null)}</td>
                <td>{health.measured.servedFromCache?.[w.window] ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {health && (
        <p className="muted">Error budget left (30 days): {pct(health.measured.errorBudgetRemaining)}</p>
      )}
      {health?.measured.probe?.state === 'down' && (
        <p className="muted" data-section="probe-down">
          Down: {health.measured.probe.consecutiveFailures} health probes in a row failed since{' '}
          {health.measured.probe.failingSince} ({health.measured.probe.lastError})
        </p>
      )}
    </>
  );
}

function FreshnessChart({ readings, maxLag }: { readings: readonly FreshnessReading[]; maxLag: number }) {
  const ordered = useMemo(() => [...readings].sort((a, b) => a.at.localeCompare(b.at)), [readings]);
  const x = useMemo(() => ordered.map((r) => seconds(r.at)), [ordered]);
  const series = useMemo(
    () => [{ label: 'freshness lag s', values: ordered.map((r) => r.lagSeconds), color: '#059669' }],
    [ordered],
  );
  return (
    <SliChart
      title="freshness lag"
      unit="s"
      x={x}
      series={series}
      sla={{ label: `SLA ${maxLag} s`, value: maxLag }}
    />
  );
}

function Quality({ name }: { name: string }) {
  const quality = useApi<ProductQuality>(`/console/api/products/${encodeURIComponent(name)}/quality`);
  return (
    <div className="panel" data-section="quality">
      <h3>Quality</h3>
      <Show loaded={quality} what="Quality results">
        {(data) =>
          !data.available ? (
            <Unavailable>{data.reason}</Unavailable>
          ) : data.latest.length === 0 ? (
            <Unavailable>
              No quality run yet (the mesh runs the contract&apos;s rules on a schedule).
            </Unavailable>
          ) : (
            <table className="grid">
              <thead>
                <tr>
                  <th>rule</th>
                  <th>dimension</th>
                  <th>measured</th>
                  <th>threshold</th>
                  <th>result</th>
                  <th>history (newest first)</th>
                </tr>
              </thead>
              <tbody>
                {data.latest.map((r) => (
                  <tr key={r.ruleId}>
                    <td>{r.ruleId}</td>
                    <td>{r.dimension}</td>
                    <td>{r.measured ?? r.error ?? '—'}</td>
                    <td>{r.threshold}</td>
                    <td>
                      <span className={`badge ${r.passed ? 'pass' : 'fail'}`}>
                        {r.passed ? 'pass' : `fail (${r.severity})`}
                      </span>
                    </td>
                    <td className="history">
                      {(data.history[r.ruleId] ?? []).map((h) => (
                        <span
                          key={h.at}
                          title={`${h.at}: ${h.measured ?? h.error}`}
                          className={h.passed ? 'tick pass' : 'tick fail'}
                        />
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Show>
    </div>
  );
}

function Incidents({ name, session }: { name: string; session: ConsoleSessionView }) {
  // /admin/incidents is for the SLO readers (admin, data-steward) and lists every product's.
  const incidents = useApi<{ incidents: readonly Incident[] }>(session.can.slo ? '/admin/incidents' : null);
  return (
    <div className="panel" data-section="incidents">
      <h3>Incidents</h3>
      {!session.can.slo ? (
        <Unavailable>
          Incidents come from /admin/incidents, which is for roles admin and data-steward.
        </Unavailable>
      ) : (
        <Show loaded={incidents} what="Incidents (/admin/incidents)">
          {(data) => {
            const mine = data.incidents.filter((i) => i.product === name);
            if (mine.length === 0) return <p className="muted">No incidents, open or past.</p>;
            return (
              <table className="grid compact">
                <thead>
                  <tr>
                    <th>state</th>
                    <th>kind</th>
                    <th>condition</th>
                    <th>started</th>
                    <th>resolved</th>
                    <th>acknowledged by</th>
                  </tr>
                </thead>
                <tbody>
                  {mine.map((i) => (
                    <tr key={i.id} data-incident={i.state}>
                      <td>
                        <span className={`badge ${i.state === 'resolved' ? 'pass' : 'fail'}`}>{i.state}</span>
                      </td>
                      <td>{i.kind}</td>
                      <td>{i.condition}</td>
                      <td>{i.startedAt}</td>
                      <td>{i.resolvedAt ?? '—'}</td>
                      <td>{i.acknowledgedBy ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            );
          }}
        </Show>
      )}
    </div>
  );
}

function Consumers({ entry, session }: { entry: CatalogEntry; session: ConsoleSessionView }) {
  const lineage = useApi<{ events: LineageEvent[] }>(
    session.can.lineage
      ? `/admin/lineage?product=${encodeURIComponent(entry.name)}&since=30d&limit=10000`
      : null,
  );
  const rows =
    session.can.lineage && lineage.state === 'ok'
      ? consumersByClient(lineage.data.events, entry.name)
      : (entry.consumers ?? []).map((c) => ({ ...c, client: null }));
  return (
    <div className="panel" data-section="consumers">
      <h3>Consumers</h3>
      {entry.consumers === null && !session.can.lineage ? (
        <Unavailable>Lineage is off on this gateway: consumers are not known.</Unavailable>
      ) : rows.length === 0 ? (
        <p className="muted">No one read this product in the last 30 days.</p>
      ) : (
        <table className="grid">
          <thead>
            <tr>
              <th>principal</th>
              <th>client</th>
              <th>operations</th>
              <th>last seen</th>
              <th>fields</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((c) => (
              <tr key={`${c.principal}/${c.client ?? ''}`}>
                <td>{c.principal}</td>
                <td>{c.client ?? '—'}</td>
                <td>{c.count}</td>
                <td>{c.lastSeen}</td>
                <td className="fields">{c.fields.join(', ')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function Versions({ name }: { name: string }) {
  const versions = useApi<SchemaVersions>(`/console/api/products/${encodeURIComponent(name)}/versions`);
  return (
    <div className="panel" data-section="versions">
      <h3>Schema versions</h3>
      <Show loaded={versions} what="Schema versions">
        {(data) =>
          !data.available ? (
            <Unavailable>{data.reason}</Unavailable>
          ) : (
            <ol className="versions">
              {data.versions.map((v) => (
                <li key={v.version}>
                  <strong>v{v.version}</strong>{' '}
                  {v.contractVersion && <span className="muted">contract {v.contractVersion}</span>} published{' '}
                  {v.publishedAt} by {v.publishedBy}
                  {v.changes.length === 0 ? (
                    <p className="muted">
                      {v.version === data.versions[data.versions.length - 1]?.version
                        ? 'first version'
                        : 'no schema change'}
                    </p>
                  ) : (
                    <ul className="diff">
                      {v.changes.map((c) => (
                        <li key={`${c.type}:${c.message}`} className={`change-${c.level.toLowerCase()}`}>
                          <span className="badge">{c.level}</span> {c.message}
                        </li>
                      ))}
                    </ul>
                  )}
                </li>
              ))}
            </ol>
          )
        }
      </Show>
    </div>
  );
}
