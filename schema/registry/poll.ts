import type { PublishedSubgraph, PublishedSupergraph, Registry } from './types.js';

/**
 * Polls the registry and reports each supergraph newer than the last one reported. Errors
 * (the store down) are reported and polling goes on: the gateway keeps what it serves.
 * Returns the stop function; `check` is exposed so a push notification can poll at once.
 */
export function pollSupergraph(
  registry: Pick<Registry, 'state'>,
  pollMs: number,
  onSupergraph: (supergraph: PublishedSupergraph, subgraphs: readonly PublishedSubgraph[]) => void,
  onError: (error: Error) => void,
): (() => void) & { check: () => Promise<void> } {
  let seen = 0;
  let running: Promise<void> | null = null;
  let stopped = false;
  const check = () =>
    (running ??= registry
      .state()
      .then(({ supergraph, subgraphs }) => {
        if (stopped) return;
        if (supergraph && supergraph.version > seen) {
          seen = supergraph.version;
          onSupergraph(supergraph, subgraphs);
        }
      })
      .catch((error: unknown) => {
        if (!stopped) onError(error instanceof Error ? error : new Error(String(error)));
      })
      .finally(() => {
        running = null;
      }));
  void check();
  const timer = setInterval(() => void check(), pollMs);
  timer.unref();
  const stop = () => {
    stopped = true;
    clearInterval(timer);
  };
  return Object.assign(stop, { check });
}
