import type { Principal } from '../common/types.js';

/** Who a request without a bearer token is: one frozen object, so caches keyed by principal share it. */
export const ANONYMOUS: Principal = Object.freeze({
  sub: 'anonymous',
  anonymous: true,
  roles: Object.freeze([]),
  scopes: Object.freeze([]),
  teams: Object.freeze([]),
  attributes: Object.freeze({}),
});
