import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL } from 'graphiql';
import 'graphiql/graphiql.css';
import { createRoot } from 'react-dom/client';
import { CSRF_HEADER, loadSession, signIn } from './csrf.js';
import './graphiql-page.css';

/**
 * GraphiQL, from its npm package, served by the gateway (no CDN). Its fetcher sends the
 * session cookie (same origin) and the CSRF header, so /graphql runs as the signed-in
 * principal, and the schema explorer shows what introspection shows that principal.
 */
const DEFAULT_QUERY = `# Runs as the signed-in principal: fields your policies deny come back null with
# UNAUTHORIZED_FIELD_OR_TYPE, masked ones masked. The explorer shows your filtered schema.
{
  order(id: "42") {
    id
    status
    customer { name country }
  }
}
`;

async function start(): Promise<void> {
  const session = await loadSession();
  if (!session) return signIn('graphiql');
  const fetcher = createGraphiQLFetcher({
    url: '/graphql',
    headers: { [CSRF_HEADER]: session.csrf, 'apollographql-client-name': 'meshgate-console' },
  });
  // `?query=` opens an operation (a link from the README or the catalog); never a token.
  const query = new URLSearchParams(window.location.search).get('query') ?? DEFAULT_QUERY;
  const root = createRoot(document.getElementById('root')!);
  root.render(
    <div className="graphiql-page">
      <header className="graphiql-bar">
        <a href="/console/">← meshgate console</a>
        <span>
          signed in as <strong>{session.sub}</strong> [{session.roles.join(' ')}]
        </span>
      </header>
      <GraphiQL fetcher={fetcher} query={query} shouldPersistHeaders={false} />
    </div>,
  );
}

void start();
