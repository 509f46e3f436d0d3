import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';

/**
 * Contender (a): stock @apollo/gateway behind @apollo/server with the documented defaults,
 * exactly as the Apollo Federation docs start one (`startStandaloneServer`), serving the
 * benchmark's supergraph. Usage: stock-apollo.ts SUPERGRAPH_FILE PORT.
 *
 * The one addition is a static header: meshgate's subgraphs answer only requests that carry a
 * context token, so each fetch sends the benchmark's long-lived one (BENCH_CONTEXT_TOKEN; see
 * ../context-token.ts), the documented `willSendRequest` way.
 */
const [supergraphPath, port] = process.argv.slice(2);
if (!supergraphPath || !port) throw new Error('usage: stock-apollo.ts SUPERGRAPH_FILE PORT');

const token = process.env.BENCH_CONTEXT_TOKEN ?? '';

class BenchDataSource extends RemoteGraphQLDataSource {
  override willSendRequest({
    request,
  }: Parameters<NonNullable<RemoteGraphQLDataSource['willSendRequest']>>[0]): void {
    if (token) request.http?.headers.set('x-meshgate-context', token);
  }
}

const gateway = new ApolloGateway({
  supergraphSdl: readFileSync(supergraphPath, 'utf8'),
  buildService: ({ url }) => new BenchDataSource(url === undefined ? {} : { url }),
});
const server = new ApolloServer({ gateway });
const { url } = await startStandaloneServer(server, { listen: { port: Number(port), host: '127.0.0.1' } });
console.log(`stock @apollo/gateway: ${url}`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => void server.stop().then(() => process.exit(0)));
}
