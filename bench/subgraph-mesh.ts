import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { composeSupergraph } from '../schema/compose.js';
import { dataProducts } from '../subgraphs/index.js';
import { spawnProcess, waitForGraphQL, type ManagedProcess } from './processes.js';

/** The five data products as separate processes, and a supergraph routed to them. */
export interface BenchSubgraphs {
  readonly urls: Readonly<Record<string, string>>;
  readonly supergraphPath: string;
  readonly processes: readonly ManagedProcess[];
  stop(): Promise<void>;
}

export const MESHGATE_BIN = 'gateway/cli/bin/meshgate.js';

/**
 * Starts every data product with `meshgate subgraph NAME --port 0` on the given PostgreSQL
 * (seeding is cached in the database, so only the first run seeds), then composes the
 * supergraph every contender serves, with the URLs the subgraphs actually listen on.
 */
export async function startBenchSubgraphs(
  databaseUrl: string,
  workDir: string,
  env: Readonly<Record<string, string>>,
  readinessHeaders: Readonly<Record<string, string>>,
): Promise<BenchSubgraphs> {
  const processes: ManagedProcess[] = [];
  const stop = async () => {
    await Promise.all(processes.map((p) => p.stop()));
  };
  try {
    const urls: Record<string, string> = {};
    // One at a time: seeding five schemas at once on a fresh database deadlocks in PostgreSQL.
    for (const product of dataProducts) {
      const proc = spawnProcess(
        `subgraph ${product.name}`,
        process.execPath,
        [MESHGATE_BIN, 'subgraph', product.name, '--port', '0'],
        {
          ...process.env,
          ...env,
          DATABASE_URL: databaseUrl,
        },
      );
      processes.push(proc);
      const url = await proc.waitForLine(new RegExp(`^meshgate subgraph ${product.name}: (\\S+)`), 180_000);
      await waitForGraphQL(url, proc, readinessHeaders);
      urls[product.name] = url;
    }
    const composed = composeSupergraph(
      dataProducts.map((p) => ({ name: p.name, url: urls[p.name]!, sdl: p.sdl })),
    );
    if (!composed.ok)
      throw new Error(`composition failed: ${composed.errors.map((e) => e.message).join('; ')}`);
    const supergraphPath = join(workDir, 'supergraph.graphql');
    writeFileSync(supergraphPath, composed.supergraphSdl);
    return { urls, supergraphPath, processes, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
