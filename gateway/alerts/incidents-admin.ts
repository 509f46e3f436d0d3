import { ErrorCode, httpStatusOf, type HttpErrorCode } from '../common/errors.js';
import type { Principal } from '../common/types.js';
import { SLO_READER_ROLES } from '../health/slo-admin.js';
import type { IncidentStore } from './incident-types.js';

export interface IncidentsAdminResponse {
  readonly status: number;
  readonly body: unknown;
}

const error = (code: HttpErrorCode, message: string): IncidentsAdminResponse => ({
  status: httpStatusOf(code),
  body: { error: { code, message } },
});

/** Incidents are read and acknowledged by whoever may read SLOs: admin or data-steward. */
function forbidden(principal: Principal): IncidentsAdminResponse | null {
  if (principal.roles.some((role) => SLO_READER_ROLES.includes(role))) return null;
  return error(
    ErrorCode.SLO_FORBIDDEN,
    `incidents are readable with role ${SLO_READER_ROLES.join(' or ')}; ${principal.sub} has none`,
  );
}

/** `GET /admin/incidents?open=true`: incidents, newest first (what `meshgate incidents --json` prints). */
export async function incidentsAdmin(
  store: IncidentStore | null,
  principal: Principal,
  query: unknown,
): Promise<IncidentsAdminResponse> {
  const refused = forbidden(principal);
  if (refused) return refused;
  if (!store)
    return error(
      ErrorCode.SLO_UNAVAILABLE,
      'incidents are off on this gateway (MESHGATE_INCIDENTS=off or MESHGATE_SLI=off)',
    );
  const open = (query as { open?: unknown } | undefined)?.open;
  if (open !== undefined && open !== 'true' && open !== 'false')
    return error(ErrorCode.BAD_USER_INPUT, 'open: must be true or false');
  return { status: 200, body: { incidents: await store.list({ open: open === 'true' }) } };
}

/**
 * `POST /admin/incidents/:id/ack`: the principal acknowledges an open incident. A browser's
 * cross-site form cannot send a JSON content type or a custom header, so one of them is required.
 */
export async function ackIncidentAdmin(
  store: IncidentStore | null,
  principal: Principal,
  id: string,
  headers: Readonly<Record<string, string | string[] | undefined>>,
): Promise<IncidentsAdminResponse> {
  const refused = forbidden(principal);
  if (refused) return refused;
  const type = String(headers['content-type'] ?? '');
  if (!type.startsWith('application/json') && headers['apollo-require-preflight'] === undefined)
    return error(
      ErrorCode.INCIDENT_PREFLIGHT_REQUIRED,
      'send content-type application/json or the apollo-require-preflight header',
    );
  if (!store) return error(ErrorCode.SLO_UNAVAILABLE, 'incidents are off on this gateway');
  const now = new Date().toISOString();
  const incident = await store.update(id, (i) =>
    i.state === 'open'
      ? { ...i, state: 'acknowledged', acknowledgedBy: principal.sub, acknowledgedAt: now }
      : i,
  );
  if (!incident) return error(ErrorCode.INCIDENT_NOT_FOUND, `no incident ${id}`);
  return { status: 200, body: { incident } };
}
