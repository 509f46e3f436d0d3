import { answer, refusal, type AdminAnswer } from '../../../gateway/http/admin-answer.js';
import { hasAnyRole, STEWARD_ROLES } from '../../../gateway/auth/roles.js';
import {
  ERROR_CATALOGUE,
  ErrorCode,
  StartupError,
  type HttpErrorCode,
} from '../../../gateway/common/errors.js';
import type { Principal } from '../../../gateway/common/types.js';
import { authorizeWrite, owningTeam, REGISTRY_ADMIN_ROLE } from '../ownership.js';
import { publishSubgraph, rollbackSubgraph, type ChangeCheck, type PublishOutcome } from '../publish.js';
import type { AuditEntry, PublishedSubgraph, Registry } from '../types.js';
import { storeFailures } from './store-failures.js';
import { contractTeam, productName, readPublishRequest } from './publish-request.js';

export interface RegistryServiceOptions {
  /** Where versions are kept; the service holds its credentials, teams never do. */
  readonly registry: Registry;
  /** The governance checks a publish and a dry run pass (change-check.ts). */
  readonly check: ChangeCheck;
}

/** Who reads the whole audit log; anyone else reads the lines of their own teams and their own. */
const AUDIT_READER_ROLES: readonly string[] = Object.freeze([REGISTRY_ADMIN_ROLE, ...STEWARD_ROLES]);

/** A placeholder where a dry run has no URL yet: composition needs one, nothing routes to it. */
const UNROUTED = 'http://unpublished.invalid/graphql';

/**
 * The registry's operations, transport aside: each takes the authenticated principal and
 * answers a status and a JSON body (a refusal: `{ error: { code, message } }` with the error
 * catalogue's status). The HTTP routes (registry-routes.ts) and the CLI's in-process mode call
 * these, so there is one implementation of ownership, checks and the audit.
 *
 * Every write, refused or not, leaves an audit line: a stored one in the commit itself, a
 * refused one appended after. A store that is down is a 503 REGISTRY_UNAVAILABLE and changes
 * nothing (gateways keep the supergraph they serve).
 */
export function createRegistryService({ registry: store, check }: RegistryServiceOptions) {
  const registry = storeFailures(store);

  async function write(
    principal: Principal,
    action: AuditEntry['action'],
    product: string,
    team: () => string | null,
    run: (audit: (subgraph: PublishedSubgraph, message: string) => AuditEntry) => Promise<PublishOutcome>,
  ): Promise<AdminAnswer> {
    const line = (fields: Pick<AuditEntry, 'team' | 'version' | 'outcome' | 'code' | 'message'>) => ({
      time: new Date().toISOString(),
      action,
      subject: principal.sub,
      teams: [...principal.teams],
      product,
      ...fields,
    });
    const refuse = async (code: HttpErrorCode, message: string, extra: object = {}) => {
      if (code !== ErrorCode.REGISTRY_UNAVAILABLE)
        await registry
          .appendAudit(line({ team: team(), version: null, outcome: 'refused', code, message }))
          .catch(() => undefined); // the store went down meanwhile: the refusal stands
      const refused = refusal(code, message);
      return { status: refused.status, body: { ...(refused.body as object), ...extra } };
    };
    try {
      const outcome = await run((subgraph, message) =>
        line({
          team: owningTeam(subgraph),
          version: subgraph.version,
          outcome: action === 'publish' ? 'published' : 'rolled-back',
          code: null,
          message,
        }),
      );
      if (!outcome.published)
        return refuse(
          ErrorCode.PUBLISH_REJECTED,
          `${action} of ${product} rejected; the registry is unchanged`,
          {
            report: outcome.report,
            errors: outcome.errors,
            findings: outcome.findings,
          },
        );
      return answer(written(outcome));
    } catch (error) {
      const code = refusalCode(error);
      if (code === null) throw error;
      return refuse(code, (error as Error).message);
    }
  }

  return {
    /** Checks a version and, if it passes and the caller's team owns the product, puts it in service. */
    publish(principal: Principal, name: string, body: unknown): Promise<AdminAnswer> {
      return write(
        principal,
        'publish',
        name,
        () => contractTeam(body),
        async (audit) => {
          const request = readPublishRequest(name, body);
          const url = request.url ?? (await urlInService(name));
          return publishSubgraph(
            registry,
            { name, url, sdl: request.sdl, descriptor: request.descriptor, publishedBy: principal.sub },
            {
              check,
              authorize: (inService, next) => authorizeWrite(principal, inService, next),
              audit: (subgraph) => audit(subgraph, `publish ${name} v${subgraph.version}`),
            },
          );
        },
      );
    },

    /** A dry run of `publish`: the same checks and ownership, nothing stored, nothing audited. */
    async check(principal: Principal, name: string, body: unknown): Promise<AdminAnswer> {
      try {
        const request = readPublishRequest(name, body);
        const outcome = await publishSubgraph(
          registry,
          {
            name,
            url: request.url ?? UNROUTED,
            sdl: request.sdl,
            descriptor: request.descriptor,
            publishedBy: principal.sub,
          },
          { check, dryRun: true, authorize: (inService, next) => authorizeWrite(principal, inService, next) },
        );
        if (!outcome.published) {
          const refused = refusal(ErrorCode.PUBLISH_REJECTED, `${name} would be rejected`);
          return {
            status: refused.status,
            body: {
              ...(refused.body as object),
              report: outcome.report,
              errors: outcome.errors,
              findings: outcome.findings,
            },
          };
        }
        return answer({
          passed: true,
          product: name,
          version: outcome.subgraph.version,
          report: outcome.report,
          findings: outcome.findings,
        });
      } catch (error) {
        const code = refusalCode(error);
        if (code === null) throw error;
        return refusal(code, (error as Error).message);
      }
    },

    /** Puts the product's previous version back in service (its team, or registry-admin). */
    async rollback(principal: Principal, name: string): Promise<AdminAnswer> {
      let team: string | null = null;
      return write(
        principal,
        'rollback',
        name,
        () => team,
        async (audit) => {
          productName(name);
          return rollbackSubgraph(registry, name, principal.sub, {
            authorize: (inService, next) => {
              team = owningTeam(inService);
              authorizeWrite(principal, inService, next);
            },
            audit: (subgraph) => audit(subgraph, `rollback ${name} to v${subgraph.version}`),
          });
        },
      );
    },

    /** What is in service: the supergraph's version and each product's version, URL and team. */
    async list(): Promise<AdminAnswer> {
      return read(async () => {
        const { supergraph, subgraphs } = await registry.state();
        return answer({
          registry: registry.location,
          supergraph: supergraph && {
            version: supergraph.version,
            id: supergraph.id,
            composedAt: supergraph.composedAt,
            publishedBy: supergraph.publishedBy,
            reason: supergraph.reason,
            subgraphs: supergraph.subgraphs,
          },
          products: subgraphs.map(summary),
        });
      });
    },

    /** The supergraph in service, SDL included (a CLI that describes it: catalog, slo). */
    async supergraph(): Promise<AdminAnswer> {
      return read(async () => {
        const { supergraph, subgraphs } = await registry.state();
        return answer({
          supergraph,
          descriptors: subgraphs.flatMap((s) => (s.descriptor ? [s.descriptor] : [])),
        });
      });
    },

    /** Every version of one product, oldest first, with its SDL. */
    async history(name: string): Promise<AdminAnswer> {
      return read(async () => {
        productName(name);
        const versions = await registry.history(name);
        return answer({ product: name, versions: versions.map((v) => ({ ...summary(v), sdl: v.sdl })) });
      });
    },

    /** The audit log, newest first: all of it for registry-admin and stewards, else the caller's teams' and own. */
    async audit(principal: Principal, query: { product?: string | undefined; limit?: number | undefined }) {
      return read(async () => {
        const limit = Math.min(Math.max(query.limit ?? 100, 1), 1_000);
        if (query.product !== undefined) productName(query.product);
        if (hasAnyRole(principal, AUDIT_READER_ROLES))
          return answer({ entries: await registry.audit({ product: query.product, limit }) });
        const mine = (entry: AuditEntry) =>
          entry.subject === principal.sub || (entry.team !== null && principal.teams.includes(entry.team));
        const entries = (await registry.audit({ product: query.product, limit: 10 * limit }))
          .filter(mine)
          .slice(0, limit);
        return answer({ entries });
      });
    },

    close: () => registry.close(),
  };

  async function urlInService(name: string): Promise<string> {
    const current = (await registry.state()).subgraphs.find((s) => s.name === name);
    if (!current)
      throw new StartupError(
        ErrorCode.REGISTRY_REQUEST_INVALID,
        `${name} is not in service yet: its first publish needs "url", where gateways reach it`,
      );
    return current.url;
  }
}

export type RegistryService = ReturnType<typeof createRegistryService>;

/** A read: a refusal with its code, or the store's failure as 503. */
async function read(run: () => Promise<AdminAnswer>): Promise<AdminAnswer> {
  try {
    return await run();
  } catch (error) {
    const code = refusalCode(error);
    if (code === null) throw error;
    return refusal(code, (error as Error).message);
  }
}

/** The refusal an error stands for: its own code when it has an HTTP status, else 503 for what cannot run. */
function refusalCode(error: unknown): HttpErrorCode | null {
  if (!(error instanceof StartupError)) return null;
  return ERROR_CATALOGUE[error.code].status === null
    ? ErrorCode.REGISTRY_UNAVAILABLE
    : (error.code as HttpErrorCode);
}

function summary(subgraph: PublishedSubgraph) {
  return {
    name: subgraph.name,
    version: subgraph.version,
    url: subgraph.url,
    team: owningTeam(subgraph),
    domain: subgraph.descriptor?.domain ?? null,
    contractVersion: subgraph.descriptor?.version ?? null,
    publishedBy: subgraph.publishedBy,
    publishedAt: subgraph.publishedAt,
  };
}

/** What a stored write answers: the version in service and the supergraph it is part of. */
function written(outcome: Extract<PublishOutcome, { published: true }>) {
  const { subgraph, supergraph } = outcome;
  return {
    product: subgraph.name,
    version: subgraph.version,
    team: owningTeam(subgraph),
    url: subgraph.url,
    supergraph: { version: supergraph.version, id: supergraph.id, reason: supergraph.reason },
    report: outcome.report,
    findings: outcome.findings,
  };
}
