/**
 * Hive Gateway's configuration for contender (d): its defaults, plus its documented
 * `propagateHeaders` hook to send the benchmark's static context token to the subgraphs
 * (meshgate's subgraphs answer only requests that carry one; see ../context-token.ts).
 */
const token = process.env.BENCH_CONTEXT_TOKEN ?? '';

export const gatewayConfig = {
  propagateHeaders: {
    fromClientToSubgraphs: () => ({ 'x-meshgate-context': token }),
  },
};
