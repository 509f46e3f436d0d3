import type { IdentityProviderStatus } from '../auth/types.js';
import type { SupergraphModel } from './supergraph-model.js';

/** A supergraph the gateway refused to serve, and why: shown in `/ready` until a good one loads. */
export interface RejectedSupergraph {
  readonly version: number | null;
  readonly id: string;
  readonly error: string;
  readonly at: string;
}

/**
 * What `/ready` reports: whether a supergraph is served, which one (id, registry version),
 * since when, and what went wrong lately (a rejected supergraph, an unreachable registry).
 * Ready means a supergraph is loaded and the server listens; errors alone do not unready a
 * gateway that still serves its last good supergraph.
 */
export class Readiness {
  listening = false;
  supergraph: { source: string; id: string | null; version: number | null; loadedAt: string | null };
  lastRejected: RejectedSupergraph | null = null;
  registryError: { message: string; at: string } | null = null;
  /**
   * The identity provider's keys (auth/remote-key-set.ts), when tokens come from one. Not part
   * of `ready`: a gateway whose provider is down still serves anonymous requests and the tokens
   * whose keys it has cached, so it stays in the load balancer and says why tokens fail.
   */
  identityProvider: (() => IdentityProviderStatus | null) | null = null;

  constructor(source: string) {
    this.supergraph = { source, id: null, version: null, loadedAt: null };
  }

  get ready(): boolean {
    return this.listening && this.supergraph.id !== null;
  }

  loaded(model: Pick<SupergraphModel, 'id'>): void {
    this.supergraph.id = model.id;
    this.supergraph.loadedAt = new Date().toISOString();
  }

  toJSON() {
    return {
      status: this.ready ? 'ready' : 'starting',
      ready: this.ready,
      supergraph: this.supergraph,
      ...(this.lastRejected && { lastRejected: this.lastRejected }),
      ...(this.registryError && { registryError: this.registryError }),
      ...(this.identityProvider?.() && { identityProvider: this.identityProvider() }),
    };
  }
}
