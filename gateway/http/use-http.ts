import type { Stage } from '../pipeline/types.js';
import type { LimitsConfig } from '../limits/types.js';
import { closeAfterResponseOnStop } from '../common/close-after-response.js';
import { useHttpLimits, type OnRefused } from './http-limits.js';

export interface UseHttpOptions {
  readonly limits: Pick<LimitsConfig, 'maxBodyBytes' | 'maxBatch'>;
  /** Told about every request refused here, before GraphQL (metrics and the request log). */
  readonly onRefused: OnRefused;
}

/**
 * The HTTP stage, first on the path: body size (413), batch size and malformed JSON or content
 * types are refused with a code before GraphQL runs; liveness at /health; and a stop answers
 * the requests in flight, then ends their connections (no keep-alive wait).
 */
export function useHttp({ limits, onRefused }: UseHttpOptions): Stage {
  return {
    name: 'http',
    routes(app) {
      useHttpLimits(app, { limits, onRefused });
      closeAfterResponseOnStop(app);
      app.get('/health', async () => ({ status: 'ok' }));
    },
  };
}
