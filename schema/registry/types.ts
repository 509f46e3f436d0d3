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
  /** The audit line of the write, stored with it: a version in service always has one. */
  readonly audit?: AuditEntry | undefined;
}

/**
 * One line of the registry's audit log: every write (publish, rollback), refused ones
 * included, with who asked (the token's subject and teams) and what came of it.
 */
export interface AuditEntry {
  /** ISO 8601. */
  readonly time: string;
  readonly action: 'publish' | 'rollback';
  /** The token's subject. */
  readonly subject: string;
  /** The teams the token named. */
  readonly teams: readonly string[];
  /** The team that owns the product after the write, or would have (the contract's team.name). */
  readonly team: string | null;
  readonly product: string;
  /** The subgraph version put in service; null when refused. */
  readonly version: number | null;
  readonly outcome: 'published' | 'rolled-back' | 'refused';
  /** The error catalogue's code of a refusal; null when it succeeded. */
  readonly code: string | null;
  readonly message: string;
}

/** Which audit lines to read, newest first. */
export interface AuditQuery {
  readonly product?: string | undefined;
  /** Default 100. */
  readonly limit?: number | undefined;
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
  /** Appends a line to the audit log (a refused write; a stored one goes in with its commit). */
  appendAudit(entry: AuditEntry): Promise<void>;
  /** The audit log, newest first. */
  audit(query?: AuditQuery): Promise<AuditEntry[]>;
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
