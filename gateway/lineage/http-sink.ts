import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode, StartupError } from '../common/errors.js';

export interface HttpSinkOptions {
  /** The OpenLineage endpoint: Marquez's base URL (`/api/v1/lineage` is appended) or the full path. */
  url: string;
  /** Attempts after the first for a network error, 429 or 5xx. Default 5. */
  retries?: number;
  /** First wait between attempts, doubled each time. Default 200 ms. */
  backoffMs?: number;
  /** Per attempt. Default 10 s. */
  timeoutMs?: number;
}

export interface SinkResult {
  readonly posted: number;
  /** HTTP requests made, retries included. */
  readonly attempts: number;
}

/**
 * Posts OpenLineage RunEvents one by one, in order, as the OpenLineage HTTP transport does
 * (`POST /api/v1/lineage`, JSON body). A network error, 429 or 5xx is retried with backoff;
 * any other 4xx means the endpoint refused the event and is not retried. Throws
 * LINEAGE_SINK_FAILED naming the event and the last failure.
 */
export async function postOpenLineage(
  events: readonly unknown[],
  options: HttpSinkOptions,
): Promise<SinkResult> {
  const { retries = 5, backoffMs = 200, timeoutMs = 10_000 } = options;
  const endpoint = /\/api\/v1\/lineage\/?$/.test(options.url)
    ? options.url
    : `${options.url.replace(/\/$/, '')}/api/v1/lineage`;
  let attempts = 0;
  let posted = 0;
  for (const event of events) {
    for (let attempt = 0; ; attempt++) {
      attempts++;
      const failure = await postOnce(endpoint, event, timeoutMs);
      if (failure === null) break;
      if (!failure.retry || attempt >= retries) {
        const runId = (event as { run?: { runId?: string } }).run?.runId ?? '?';
        throw new StartupError(
          ErrorCode.LINEAGE_SINK_FAILED,
          `OpenLineage endpoint ${endpoint} did not take run ${runId} after ${attempt + 1} attempt(s): ${failure.reason}`,
        );
      }
      await sleep(backoffMs * 2 ** attempt);
    }
    posted++;
  }
  return { posted, attempts };
}

async function postOnce(
  endpoint: string,
  event: unknown,
  timeoutMs: number,
): Promise<{ retry: boolean; reason: string } | null> {
  try {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer(); // drain, so the connection is reused
    if (response.ok) return null;
    return { retry: response.status === 429 || response.status >= 500, reason: `HTTP ${response.status}` };
  } catch (error) {
    return {
      retry: true,
      reason:
        error instanceof Error
          ? error.cause instanceof Error
            ? error.cause.message
            : error.message
          : String(error),
    };
  }
}
