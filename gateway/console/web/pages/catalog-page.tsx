import { useMemo, useState, useEffect } from 'react';
import type { Catalog, CatalogEntry } from '../../../catalog/types.js';
import { matchesSearch } from '../catalog-search.js';
import { HealthBadge, Show } from '../components/panels.js';
import { useApi } from '../use-api.js';
import { href } from '../use-route.js';

/** All data products, searchable; each with its health signal, SLO status, version and owner. */
export function CatalogPage() {
  const catalog = useApi<Catalog>('/catalog');
  return (
    <section>
      <h2>Catalog</h2>
      <Show loaded={catalog} what="The catalog">
        {(data) => <CatalogTable products={data.products} />}
      </Show>
    </section>
  );
}

function CatalogTable({ products }: { products: readonly CatalogEntry[] }) {
  const [search, setSearch] = useState('');
  const shown = useMemo(() => products.filter((p) => matchesSearch(p, search)), [products, search]);
  useEffect(() => {
    // The browser test reads this mark: the catalog's first render, with every row in the DOM.
    performance.mark('catalog-rendered');
  }, []);
  return (
    <>
      <input
        className="search"
        type="search"
        placeholder="Search by name, domain, owner, tag or field (domain:sales tag:pii field:email)"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
        aria-label="Search the catalog"
      />
      <p className="muted" data-testid="catalog-count">
        {shown.length} of {products.length} data products
      </p>
      <table className="grid" data-testid="catalog-table">
        <thead>
          <tr>
            <th>data product</th>
            <th>domain</th>
            <th>owner</th>
            <th>version</th>
            <th>health</th>
            <th>SLO status</th>
            <th>subgraph</th>
            <th>tags</th>
          </tr>
        </thead>
        <tbody>
          {shown.map((p) => (
            <tr key={p.name} data-product={p.name}>
              <td>
                <a href={href('product', p.name)}>{p.name}</a>
              </td>
              <td>{p.descriptor?.domain ?? '—'}</td>
              <td className="owner">
                {p.descriptor ? `${p.descriptor.owner.team} <${p.descriptor.owner.email}>` : '—'}
              </td>
              <td>{p.descriptor?.version ?? '—'}</td>
              <td>
                <span title={p.dataHealth?.reasons.join('; ')}>
                  <HealthBadge state={p.dataHealth?.state} />
                </span>
              </td>
              <td>{sloStatus(p)}</td>
              <td>
                <span className={`badge up-${p.health.status}`}>{p.health.status}</span>
              </td>
              <td>{p.descriptor?.tags.join(', ')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** Declared availability against the last hour's measured one. */
function sloStatus(p: CatalogEntry): string {
  const declared = p.descriptor?.slo.availability;
  const measured = p.dataHealth?.measured?.windows['1h']?.availability;
  const promise = declared === undefined ? '' : `${declared}% promised`;
  if (measured === null || measured === undefined)
    return `${promise}${promise ? ', ' : ''}no traffic measured`;
  return `${promise}, ${(measured * 100).toFixed(2)}% measured (1h)`;
}
