import type { Authenticate } from '../auth/types.js';
import type { Stage } from '../pipeline/types.js';
import { registerQualityRoutes } from './quality-admin.js';
import type { QualitySchedule } from './quality-schedule.js';
import type { QualityStore } from './types.js';

/**
 * The quality stage: `/admin/quality/run|freshness|history`. The rules themselves run on the
 * schedule the gateway's services open (services.ts), off the request path.
 */
export function useQuality(
  schedule: QualitySchedule | null,
  store: QualityStore | null,
  authenticate: Authenticate,
): Stage {
  return {
    name: 'quality',
    routes: (app) => registerQualityRoutes(app, { authenticate, schedule, store }),
  };
}
