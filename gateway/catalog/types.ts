import type { DataProductDescriptor } from '../protocol/index.js';
import type { Consumer } from '../lineage/types.js';
import type { ProductHealth } from '../health/slo-types.js';
import type { SubgraphHealth } from '../health/subgraph-health.js';

/** One field of a data product, as an analyst browsing the catalog sees it. */
export interface CatalogField {
  readonly name: string;
  /** The GraphQL type, e.g. `String!`, `[Payment!]`. */
  readonly type: string;
  readonly description: string | null;
  /** pii, pci, confidential: what the domain declared in its SDL. Empty when unclassified. */
  readonly classification: readonly string[];
  /** Ids of the policy rules that cover the field (by coordinate, `Type.*` or classification). */
  readonly policies: readonly string[];
}

export interface CatalogType {
  readonly name: string;
  readonly description: string | null;
  /** The fields this data product serves (another product may add more to the same type). */
  readonly fields: readonly CatalogField[];
}

// One probe, the health module's: the catalog's and the scheduled one's (health/product-probe.ts).
export type { SubgraphHealth };

/** A data product in the catalog: its descriptor, its API, who uses it, whether it is up. */
export interface CatalogEntry {
  readonly name: string;
  /** From the descriptor; null for a subgraph that has none (governance flags it). */
  readonly descriptor: Pick<
    DataProductDescriptor,
    'domain' | 'owner' | 'description' | 'version' | 'status' | 'slo' | 'tags'
  > | null;
  readonly url: string;
  readonly health: SubgraphHealth;
  /**
   * The product's health signal (healthy, degraded, failing) with its reasons, and its SLA:
   * `declared` (the contract's promise) beside `measured` (SLIs from live traffic). Null when
   * SLIs are not measured where the catalog was built (MESHGATE_SLI=off; the CLI without Redis).
   */
  readonly dataHealth: Pick<ProductHealth, 'state' | 'reasons' | 'declared' | 'measured'> | null;
  readonly types: readonly CatalogType[];
  /** From lineage, over the catalog's window; null when lineage is off. */
  readonly consumers: readonly Consumer[] | null;
}

export interface Catalog {
  readonly supergraphId: string;
  readonly generatedAt: string;
  /** How far back `consumers` looks. */
  readonly consumersSince: string;
  readonly products: readonly CatalogEntry[];
}
