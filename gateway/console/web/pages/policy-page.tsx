import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError } from '../api.js';
import type { PolicyMatrix } from '../console-types.js';
import { ErrorPanel } from '../components/panels.js';

const PERSONAS = ['anonymous', 'analyst', 'support', 'finance', 'data-steward'] as const;

/**
 * Personas (or pasted tokens) × fields, each decision with its rule, as `meshgate policy
 * explain` computes it; with an operation pasted, the fields that operation reads.
 */
export function PolicyPage() {
  const [personas, setPersonas] = useState<string[]>([...PERSONAS]);
  const [tokens, setTokens] = useState('');
  const [query, setQuery] = useState('');
  const [matrix, setMatrix] = useState<PolicyMatrix | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const explain = async (body: unknown) => {
    try {
      setMatrix(await api<PolicyMatrix>('/console/api/policy-matrix', body));
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'NETWORK', String(e)));
    }
  };
  useEffect(() => {
    void explain({ personas: [...PERSONAS] });
  }, []);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void explain({ personas, tokens: tokens.split(/\s+/).filter(Boolean), query: query.trim() || null });
  };
  return (
    <section>
      <h2>Policy matrix</h2>
      <form className="policy-form" onSubmit={submit}>
        <fieldset>
          <legend>personas</legend>
          {PERSONAS.map((p) => (
            <label key={p}>
              <input
                type="checkbox"
                name="persona"
                value={p}
                checked={personas.includes(p)}
                onChange={(e) =>
                  setPersonas(e.target.checked ? [...personas, p] : personas.filter((x) => x !== p))
                }
              />{' '}
              {p}
            </label>
          ))}
        </fieldset>
        <label>
          tokens (one per line: a column each)
          <textarea
            name="tokens"
            rows={3}
            value={tokens}
            onChange={(e) => setTokens(e.target.value)}
            spellCheck={false}
          />
        </label>
        <label>
          operation (empty: every classified or rule-covered field)
          <textarea
            name="query"
            rows={6}
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            spellCheck={false}
            placeholder='{ customer(id: "1") { email phone } }'
          />
        </label>
        <button type="submit">Explain</button>
      </form>
      {error && <ErrorPanel error={error} what="The policy matrix" />}
      {matrix && <MatrixTable matrix={matrix} />}
    </section>
  );
}

function MatrixTable({ matrix }: { matrix: PolicyMatrix }) {
  return (
    <table className="grid matrix" data-testid="policy-matrix">
      <thead>
        <tr>
          <th>field</th>
          {matrix.columns.map((c) => (
            <th key={c.label}>{c.label}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {matrix.rows.map((row) => (
          <tr key={row.coordinate}>
            <td>
              <code>{row.coordinate}</code>
            </td>
            {row.cells.map((cell, i) => (
              <td key={matrix.columns[i]!.label} className={`decision decision-${cell.split(/[: ]/)[0]}`}>
                {cell}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
