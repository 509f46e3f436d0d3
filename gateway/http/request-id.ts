import { randomUUID } from 'node:crypto';

const ACCEPTABLE = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The id that ties a request's log lines, subgraph fetches and lineage record together.
 * A caller's `x-request-id` is kept when it is a plain token (it may come from a proxy that
 * logs it too); anything else is replaced, so a header can't inject into logs.
 */
export function requestIdFrom(header: string | string[] | undefined): string {
  return typeof header === 'string' && ACCEPTABLE.test(header) ? header : randomUUID();
}
