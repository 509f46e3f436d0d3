import type { Authenticate } from '../auth/types.js';
import type { Stage } from '../pipeline/types.js';
import { registerIncidentRoutes } from './incidents-admin.js';
import type { IncidentStore } from './incident-types.js';

/**
 * The incidents stage: `GET /admin/incidents` and the acknowledgement. The incidents themselves
 * are opened on a timer off the request path (create-incidents.ts), by the service server.ts
 * opens; null with MESHGATE_INCIDENTS=off (the routes answer 503).
 */
export function useIncidents(store: IncidentStore | null, authenticate: Authenticate): Stage {
  return {
    name: 'incidents',
    routes: (app) => registerIncidentRoutes(app, { authenticate, store }),
  };
}
