/** A subgraph's liveness as the gateway probes it: up with the probe's latency, or down and why. */
export type SubgraphHealth =
  { readonly status: 'up'; readonly latencyMs: number } | { readonly status: 'down'; readonly error: string };

/**
 * The gateway's health probe of a subgraph: up when its `/health` (beside its GraphQL path,
 * subgraphs/kit/server.ts and docs of the product protocol) answers 2xx within `timeoutMs`.
 * The catalog asks it on each read; the scheduled probe (product-probe.ts) on its timer.
 */
export async function checkSubgraphHealth(url: string, timeoutMs = 2_000): Promise<SubgraphHealth> {
  const started = performance.now();
  try {
    const response = await fetch(new URL('/health', url), { signal: AbortSignal.timeout(timeoutMs) });
    // The body is not read: drained, so the keep-alive socket goes back to the pool.
    await response.body?.cancel().catch(() => undefined);
    if (response.ok) return { status: 'up', latencyMs: Math.round(performance.now() - started) };
    return { status: 'down', error: `HTTP ${response.status}` };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const name = (error as { name?: string }).name;
    return { status: 'down', error: cause ?? (name === 'TimeoutError' ? 'timeout' : (error as Error).message) };
  }
}
