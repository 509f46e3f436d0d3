import type { IncomingHttpHeaders } from 'node:http';
import { timingSafeEqual } from 'node:crypto';

/**
 * The gateway's one CSRF defence for the state-changing routes a browser can reach (`/admin/*`,
 * `/console/api/*`), the rule Apollo Server's `csrfPrevention` applies to /graphql.
 *
 * A page on another site can make a browser send a CORS "simple" request with the user's
 * ambient credentials and no preflight: a form post or a fetch with content type text/plain,
 * application/x-www-form-urlencoded or multipart/form-data (or none) and no custom header
 * (Fetch standard, "CORS-safelisted request-header"). Any other content type, or any custom
 * header, makes the browser ask first, and the gateway grants no cross-origin preflight. So a
 * request that changes state is taken only when it is not simple: a content type such as
 * application/json, or one of `PREFLIGHT_HEADERS`, non-empty. The CLI and the console send
 * JSON; a client without a body sends `apollo-require-preflight: true`.
 *
 * A console session adds its own token on top (console/server/session-bearer.ts): the session
 * cookie authenticates nothing without the session's `x-meshgate-csrf` value, compared with
 * `sameToken`.
 */
export function preflighted(headers: IncomingHttpHeaders): boolean {
  const type = headers['content-type']?.split(';')[0]?.trim().toLowerCase();
  if (type && !SIMPLE_CONTENT_TYPES.has(type)) return true;
  return PREFLIGHT_HEADERS.some((name) => (headers[name]?.length ?? 0) > 0);
}

/** The content types a cross-site form or a simple fetch may send without a preflight. */
const SIMPLE_CONTENT_TYPES: ReadonlySet<string> = new Set([
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data',
]);

/** Custom headers that force a preflight: Apollo's two, and the console's session header. */
export const PREFLIGHT_HEADERS = ['apollo-require-preflight', 'x-apollo-operation-name', 'x-meshgate-csrf'];

/** Requests that change nothing, by RFC 9110 §9.2.1; every other method needs the defence. */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Compares a presented CSRF token with the expected one in constant time. */
export function sameToken(presented: unknown, expected: string): boolean {
  if (typeof presented !== 'string') return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
