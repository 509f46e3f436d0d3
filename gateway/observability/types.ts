import type { Registry } from 'prom-client';
import type { ErrorCode } from '../common/errors.js';
import type { Outcome } from '../common/types.js';

/** The observability module's public contracts. */

/** One finished request, as the request log and the metrics see it. */
export interface RequestSummary {
  readonly requestId: string | undefined;
  /** The operation's name; null for an anonymous operation or a request refused before parsing. */
  readonly operation: string | null;
  readonly outcome: Outcome;
  readonly status: number;
  readonly durationMs: number | undefined;
  /** `extensions.code` of each error in the response, in order. */
  readonly errorCodes: readonly string[];
}

export interface Observability {
  /** This gateway instance's own registry (never prom-client's global one). */
  readonly registry: Registry;
  /** Counts and logs one finished request. */
  request(summary: RequestSummary): void;
  /** A request refused at the HTTP layer (body too large, malformed JSON, batch too big). */
  refused(refusal: {
    status: number;
    code: ErrorCode;
    method: string;
    url: string;
    requestId: string | undefined;
  }): void;
}
