import type { DataProductDescriptor } from '../../gateway/protocol/index.js';

/** One published version of a data product's subgraph. */
export interface PublishedSubgraph {
  readonly name: string;
  /** Increases by one with each publish of this subgraph; never reused. */
  readonly version: number;
  readonly url: string;
  readonly sdl: string;
  readonly descriptor: DataProductDescriptor | null;
  readonly publishedBy: string;
  readonly publishedAt: string;
}

/** One composed supergraph the registry put in service. */
export interface PublishedSupergraph {
  /** Increases by one with each publish or rollback; gateways serve the highest they have seen. */
  readonly version: number;
  /** sha256 of the SDL, 12 hex digits: what `/ready` reports, to compare gateways. */
  readonly id: string;
  readonly sdl: string;
  /** The subgraph versions it was composed from. */
  readonly subgraphs: Readonly<Record<string, number>>;
  readonly composedAt: string;
  readonly publishedBy: string;
  /** Why it changed: `publish orders v3`, `rollback orders to v2`. */
  readonly reason: string;
}

/** What is in service: the current version of every subgraph and the supergraph composed from them. */
export interface RegistryState {
  readonly subgraphs: readonly PublishedSubgraph[];
  readonly supergraph: PublishedSupergraph | null;
}

/** A change the registry stores atomically, or not at all. */
export interface RegistryCommit {
  /** Subgraphs whose current version changes: a new version, or an older one (rollback). */
  readonly subgraphs: readonly PublishedSubgraph[];
  readonly supergraph: PublishedSupergraph;
}

/**
 * Where published subgraphs and supergraphs are kept. Storage only: the checks a change must
 * pass live in publish.ts. Implementations: Redis (shared by every gateway) and a local
 * directory (the embedded default).
 */
export interface Registry {
  readonly kind: 'redis' | 'directory';
  /** Where it is, for messages: a redacted URL and prefix, or a path. */
  readonly location: string;
  state(): Promise<RegistryState>;
  /** Every version of one subgraph, oldest first. */
  history(name: string): Promise<PublishedSubgraph[]>;
  /**
   * Stores the commit if the supergraph in service is still `expectedVersion` (0: none yet);
   * otherwise throws REGISTRY_CONFLICT and stores nothing, so two publishers can't lose
   * each other's change.
   */
  commit(commit: RegistryCommit, expectedVersion: number): Promise<void>;
  /**
   * Calls `onSupergraph` with the supergraph in service now and after every change, and the
   * subgraphs in service with it (their descriptors describe the data products): pushed
   * where the store can (Redis pub/sub), and polled every `pollMs` as well, so a missed
   * message or a store that was down only delays an update. Returns the stop function.
   */
  watch(
    onSupergraph: (supergraph: PublishedSupergraph, subgraphs: readonly PublishedSubgraph[]) => void,
    onError: (error: Error) => void,
  ): () => void;
  close(): Promise<void>;
}
