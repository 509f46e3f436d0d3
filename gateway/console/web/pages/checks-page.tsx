import type { SchemaChecks } from '../console-types.js';
import { Show, Unavailable } from '../components/panels.js';
import { useApi } from '../use-api.js';

type ChecksAnswer = SchemaChecks | { readonly available: false; readonly reason: string };

/** The `meshgate check` report, per subgraph, as governance reviews it. */
export function ChecksPage() {
  const checks = useApi<ChecksAnswer>('/console/api/checks');
  return (
    <section>
      <h2>Schema checks</h2>
      <Show loaded={checks} what="Schema checks">
        {(data) =>
          'available' in data ? (
            <Unavailable>The check cannot run: {data.reason}</Unavailable>
          ) : (
            <>
              <p data-testid="checks-summary">
                <span className={`badge ${data.passed ? 'pass' : 'fail'}`}>
                  {data.passed ? 'passed' : 'failed'}
                </span>{' '}
                {data.summary.errors} errors, {data.summary.warnings} warnings, {data.summary.notes} notes ·
                ran {data.ranAt} in {data.durationMs} ms · baseline {data.context.baseline} · usage{' '}
                {data.context.usage}
              </p>
              {Object.entries(data.bySubgraph).map(([subgraph, findings]) => (
                <div className="panel" key={subgraph} data-subgraph={subgraph}>
                  <h3>
                    {subgraph} <span className="muted">({findings.length})</span>
                  </h3>
                  <table className="grid compact">
                    <thead>
                      <tr>
                        <th>severity</th>
                        <th>rule</th>
                        <th>coordinate</th>
                        <th>message</th>
                      </tr>
                    </thead>
                    <tbody>
                      {findings.map((f) => (
                        <tr key={`${f.rule}:${f.coordinate ?? ''}:${f.message}`}>
                          <td>
                            <span className={`badge severity-${f.severity}`}>{f.severity}</span>
                          </td>
                          <td>{f.rule}</td>
                          <td>
                            <code>{f.coordinate ?? '—'}</code>
                          </td>
                          <td>{f.message}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              ))}
              {Object.keys(data.bySubgraph).length === 0 && <p className="muted">No findings.</p>}
            </>
          )
        }
      </Show>
    </section>
  );
}
