import type { ConsoleSessionView } from '../server/types.js';
import { api } from './api.js';
import { Unavailable } from './components/panels.js';
import { CatalogPage } from './pages/catalog-page.js';
import { ChecksPage } from './pages/checks-page.js';
import { LineagePage } from './pages/lineage-page.js';
import { PolicyPage } from './pages/policy-page.js';
import { ProductPage } from './pages/product-page.js';
import { href, useRoute } from './use-route.js';

/** The console: one page per route; the navigation shows only what the principal's roles allow. */
export function App({ session }: { session: ConsoleSessionView }) {
  const route = useRoute();
  const { can } = session;
  const tabs = [
    { page: 'catalog', label: 'Catalog', allowed: can.catalog },
    { page: 'lineage', label: 'Lineage', allowed: can.lineage },
    { page: 'policy', label: 'Policy matrix', allowed: can.governance },
    { page: 'checks', label: 'Schema checks', allowed: can.governance },
  ];
  const signOut = async () => {
    // After a single sign-on, on to the provider's end-session endpoint (signed out there too).
    const { logoutUrl } = await api<{ signedOut: boolean; logoutUrl?: string }>('/console/api/logout', {});
    window.location.assign(logoutUrl ?? '/console/login');
  };
  return (
    <div className="app">
      <header className="top">
        <h1>meshgate</h1>
        <nav>
          {tabs
            .filter((t) => t.allowed)
            .map((t) => (
              <a key={t.page} href={href(t.page)} className={route.page === t.page ? 'active' : ''}>
                {t.label}
              </a>
            ))}
          <a href="/console/graphiql">GraphiQL</a>
        </nav>
        <span className="who" data-testid="who">
          {session.sub} [{session.roles.join(' ')}]{' '}
          <button type="button" onClick={() => void signOut()}>
            Sign out
          </button>
        </span>
      </header>
      <main>{page(route.page, route.arg, session)}</main>
    </div>
  );
}

function page(name: string, arg: string | null, session: ConsoleSessionView) {
  const { can } = session;
  const refused = (what: string) => (
    <Unavailable>
      {what} is not for your roles ({session.roles.join(', ') || 'none'}).
    </Unavailable>
  );
  switch (name) {
    case 'product':
      return can.catalog && arg ? <ProductPage name={arg} session={session} /> : refused('The catalog');
    case 'lineage':
      return can.lineage ? <LineagePage /> : refused('Lineage');
    case 'policy':
      return can.governance ? <PolicyPage /> : refused('The policy matrix');
    case 'checks':
      return can.governance ? <ChecksPage /> : refused('Schema checks');
    default:
      return can.catalog ? <CatalogPage /> : refused('The catalog');
  }
}
