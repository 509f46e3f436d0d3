/**
 * The gateway ↔ data product protocol (README.md): what passes between the gateway and a
 * product, imported by both the gateway and the products' kit, and nothing else of either.
 */
export type * from './types.js';
export { PROTOCOL_VERSION } from './version.js';
export {
  CONTEXT_TOKEN_ALGORITHM,
  CONTEXT_TOKEN_AUDIENCE,
  CONTEXT_TOKEN_HEADER,
  CONTEXT_TOKEN_ISSUER,
  createContextTokenVerifier,
  createRemoteContextTokenVerifier,
  signContextToken,
  type AsyncContextTokenVerifier,
  type ContextTokenVerifier,
} from './context-token.js';
export {
  CONTEXT_TOKEN_JWKS_PATH,
  contextTokenJwks,
  contextTokenKid,
  contextTokenPublicKey,
  type ContextTokenJwk,
} from './context-token-keys.js';
export { declaresRowFilterEnforcement, ROW_FILTERS_PROPERTY } from './row-filter-enforcement.js';
export { parseRowFilterClaims, parseRowPredicate, predicateFields } from './row-filter.js';
export { Classification } from './classification.js';
export { LIBRARY_METRICS, QUALITY_OPERATORS } from './quality-vocabulary.js';
export { CONTRACT_FILE, descriptorFromContract, readDescriptor } from './descriptor-from-contract.js';
export { productSla } from './product-sla.js';
export {
  extractTraceContext,
  injectTraceContext,
  PRODUCT_ATTRIBUTE,
  REQUEST_ID_ATTRIBUTE,
  type HeaderSink,
} from './trace-propagation.js';
export { traceRequests, type TraceRequestsOptions } from './trace-requests.js';
