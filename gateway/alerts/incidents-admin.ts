import type { FastifyInstance } from 'fastify';
import { STEWARD_ROLES } from '../auth/roles.js';
import type { Authenticate } from '../auth/types.js';
import { ErrorCode } from '../common/errors.js';
import type { Principal } from '../common/types.js';
import { answer, refusal, type AdminAnswer } from '../http/admin-answer.js';
import { adminRoute } from '../http/admin-route.js';
import type { IncidentStore } from './incident-types.js';

export interface IncidentRouteOptions {
  /** The function /graphql authenticates with. */
  readonly authenticate: Authenticate;
  /** Null with MESHGATE_INCIDENTS=off or MESHGATE_SLI=off: 503 SLO_UNAVAILABLE. */
  readonly store: IncidentStore | null;
}

/**
 * `GET /admin/incidents` and `POST /admin/incidents/:id/ack`. Incidents are read and
 * acknowledged by whoever may read SLOs (403 SLO_FORBIDDEN otherwise); an ack without the CSRF
 * defence is 400 INCIDENT_PREFLIGHT_REQUIRED, the code clients of this route already know.
 */
export function registerIncidentRoutes(
  app: FastifyInstance,
  { authenticate, store }: IncidentRouteOptions,
): void {
  const access = { roles: STEWARD_ROLES, forbidden: ErrorCode.SLO_FORBIDDEN } as const;
  adminRoute(app, authenticate, {
    ...access,
    method: 'GET',
    url: '/admin/incidents',
    handle: (request) => incidentsAdmin(store, request.query),
  });
  adminRoute<{ Params: { id: string } }>(app, authenticate, {
    ...access,
    method: 'POST',
    url: '/admin/incidents/:id/ack',
    csrf: ErrorCode.INCIDENT_PREFLIGHT_REQUIRED,
    handle: (request, principal) => ackIncidentAdmin(store, principal, request.params.id),
  });
}

/** `GET /admin/incidents?open=true`: incidents, newest first (what `meshgate incidents --json` prints). */
export async function incidentsAdmin(store: IncidentStore | null, query: unknown): Promise<AdminAnswer> {
  if (!store)
    return refusal(
      ErrorCode.SLO_UNAVAILABLE,
      'incidents are off on this gateway (MESHGATE_INCIDENTS=off or MESHGATE_SLI=off)',
    );
  const open = (query as { open?: unknown } | undefined)?.open;
  if (open !== undefined && open !== 'true' && open !== 'false')
    return refusal(ErrorCode.BAD_USER_INPUT, 'open: must be true or false');
  return answer({ incidents: await store.list({ open: open === 'true' }) });
}

/** `POST /admin/incidents/:id/ack`: the principal acknowledges an open incident. */
export async function ackIncidentAdmin(
  store: IncidentStore | null,
  principal: Principal,
  id: string,
): Promise<AdminAnswer> {
  if (!store) return refusal(ErrorCode.SLO_UNAVAILABLE, 'incidents are off on this gateway');
  const now = new Date().toISOString();
  const incident = await store.update(id, (i) =>
    i.state === 'open'
      ? { ...i, state: 'acknowledged', acknowledgedBy: principal.sub, acknowledgedAt: now }
      : i,
  );
  if (!incident) return refusal(ErrorCode.INCIDENT_NOT_FOUND, `no incident ${id}`);
  return answer({ incident });
}
