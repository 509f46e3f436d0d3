/**
 * The typed per-request context of the gateway pipeline. Every stage reads only what an
 * earlier stage set; nothing per-request lives in module state.
 */
export interface GatewayContext {
  /** Correlates the request's log lines and its subgraph fetches (`x-request-id`). */
  readonly requestId: string;
}
