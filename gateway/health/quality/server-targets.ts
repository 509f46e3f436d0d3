import type { DataProductDescriptor } from '../../protocol/index.js';
import {
  openServerDatabase,
  postgresServerOf,
  serverCredentials,
  type CredentialSources,
} from './postgres-server.js';
import type { ReadableDatabase } from './readable-database.js';

/** A product the quality schedule measures: in its database, or not, and why. */
export type QualityTarget =
  | { readonly descriptor: DataProductDescriptor; readonly db: ReadableDatabase }
  | { readonly descriptor: DataProductDescriptor; readonly notMeasured: string };

export interface ServerTargets {
  /** The products in service that name a postgres server, each with its database or the reason it has none. */
  targets(descriptors: readonly DataProductDescriptor[]): QualityTarget[];
  /** Ends every pool. */
  close(): Promise<void>;
}

/**
 * The quality targets of products not built on the kit: one per product whose contract has a
 * postgres `servers` entry (postgres-server.ts). A pool is opened once per product and server
 * and kept while the entry stays the same; a changed entry or credentials get a new one, and
 * a product gone from service has its pool closed.
 */
export function serverTargets(
  options: CredentialSources & { readonly statementTimeoutMs: number },
): ServerTargets {
  const pools = new Map<string, { key: string; db: ReadableDatabase & { close(): Promise<void> } }>();
  return {
    targets(descriptors) {
      const out: QualityTarget[] = [];
      const seen = new Set<string>();
      for (const descriptor of descriptors) {
        const server = postgresServerOf(descriptor);
        if (server === null) continue;
        seen.add(descriptor.name);
        if ('error' in server) {
          out.push({ descriptor, notMeasured: server.error });
          continue;
        }
        const credentials = serverCredentials(descriptor.name, server, options);
        if ('missing' in credentials) {
          out.push({ descriptor, notMeasured: credentials.missing });
          continue;
        }
        const key = JSON.stringify([server, credentials]);
        let open = pools.get(descriptor.name);
        if (open?.key !== key) {
          void open?.db.close().catch(() => undefined);
          open = { key, db: openServerDatabase(server, credentials, options.statementTimeoutMs) };
          pools.set(descriptor.name, open);
        }
        out.push({ descriptor, db: open.db });
      }
      for (const [product, open] of pools)
        if (!seen.has(product)) {
          pools.delete(product);
          void open.db.close().catch(() => undefined);
        }
      return out;
    },
    async close() {
      const all = [...pools.values()];
      pools.clear();
      await Promise.allSettled(all.map((p) => p.db.close()));
    },
  };
}
