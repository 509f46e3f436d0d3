import { Option } from 'commander';
import { ErrorCode, StartupError } from '../common/errors.js';
import { answerCode, requestAdmin, type AdminAnswer } from './admin-request.js';

/** The registry API's base path (schema/registry/service/registry-routes.ts), without importing the service. */
const REGISTRY_API = '/registry/v1';

/** `--registry URL` / MESHGATE_REGISTRY_URL: the registry service a team talks to. */
export const registryOption = () =>
  new Option(
    '--registry <url>',
    "the registry service (meshgate registry serve, or a gateway with REGISTRY_ROUTES=on); without it, this machine's registry store",
  ).env('MESHGATE_REGISTRY_URL');

/** `--token T` / MESHGATE_TOKEN: who is asking; the registry reads the teams from it. */
export const tokenOption = () =>
  new Option(
    '--token <jwt>',
    "your bearer token (meshgate token --sub you --teams your-team; your CI's)",
  ).env('MESHGATE_TOKEN');

export interface RegistryTarget {
  readonly registry?: string | undefined;
  readonly token?: string | undefined;
}

export interface RegistryCall {
  readonly method: 'GET' | 'POST';
  /** Under /registry/v1, e.g. `/products/orders/publish`. */
  readonly path: string;
  readonly body?: unknown;
}

/** The answer's body: what the route returned, or `{ error: { code, message }, report? }`. */
export type RegistryAnswer = AdminAnswer & { readonly body: Record<string, unknown> };

/**
 * One call to the registry's HTTP API. With `--registry URL`, over HTTP. Without, the same
 * routes run in this process over this machine's registry store (REDIS_URL, else
 * `.meshgate/registry`) and are called through fastify's inject: one implementation, the
 * token verified the same way. A publish or rollback that conflicts with another is sent
 * again (the registry composes it on top of the other).
 */
export async function callRegistry(target: RegistryTarget, call: RegistryCall): Promise<RegistryAnswer> {
  const send = target.registry === undefined ? inProcess(target) : overHttp(target, target.registry);
  try {
    for (let attempt = 1; ; attempt++) {
      const answer = await (await send)(call);
      if (answerCode(answer, ErrorCode.INTERNAL_SERVER_ERROR) !== ErrorCode.REGISTRY_CONFLICT || attempt >= 3)
        return answer;
    }
  } finally {
    await (await send).close?.();
  }
}

/** A refused answer as the one-line error the CLI exits with (the report, if any, printed first). */
export function refused(answer: RegistryAnswer, what: string): StartupError {
  const code = answerCode(answer, ErrorCode.INTERNAL_SERVER_ERROR);
  return new StartupError(code, answer.body.error?.message ?? `${what}: HTTP ${answer.status}`);
}

type Sender = ((call: RegistryCall) => Promise<RegistryAnswer>) & { close?: () => Promise<void> };

async function overHttp(target: RegistryTarget, base: string): Promise<Sender> {
  if (target.token === undefined) throw noToken();
  const token = target.token;
  return async (call) =>
    (await requestAdmin({
      url: `${REGISTRY_API}${call.path}`.replace(/^\//, ''),
      base: base.endsWith('/') ? base : `${base}/`,
      method: call.method,
      token,
      body: call.body ?? (call.method === 'POST' ? {} : undefined),
      timeoutMs: 120_000,
      unreachable: (cause) =>
        new StartupError(
          ErrorCode.REGISTRY_UNAVAILABLE,
          `cannot reach the registry at ${base}: ${(cause as Error).message}`,
          cause,
        ),
    })) as RegistryAnswer;
}

async function inProcess(target: RegistryTarget): Promise<Sender> {
  if (target.token === undefined) throw noToken();
  // Loaded only here: a team talking to a registry URL never loads the service's code.
  const [{ default: Fastify }, { createAuthenticate }, { loadConfig }, { openRegistryService }, routes] =
    await Promise.all([
      import('fastify'),
      import('../auth/index.js'),
      import('../config/config.js'),
      import('../../schema/registry/service/open-registry-service.js'),
      import('../../schema/registry/service/registry-routes.js'),
    ]);
  const { registerRegistryRoutes } = routes;
  const config = loadConfig();
  const service = openRegistryService(config);
  const app = Fastify({ logger: false, bodyLimit: 8 * 1024 * 1024 });
  registerRegistryRoutes(
    app,
    createAuthenticate({ auth: config.security.auth, stateDir: config.stateDir }),
    service,
  );
  const token = target.token;
  const sender: Sender = async (call) => {
    const response = await app.inject({
      method: call.method,
      url: `${REGISTRY_API}${call.path}`,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      ...(call.method === 'POST' && { payload: JSON.stringify(call.body ?? {}) }),
    });
    const body = (() => {
      try {
        return response.json<Record<string, unknown>>();
      } catch {
        return {};
      }
    })();
    return { status: response.statusCode, ok: response.statusCode < 400, body };
  };
  sender.close = async () => {
    await app.close();
    await service.close();
  };
  return sender;
}

function noToken(): StartupError {
  return new StartupError(
    ErrorCode.UNAUTHENTICATED,
    'the registry needs your token: --token or MESHGATE_TOKEN (in development: meshgate token --sub you --teams your-team)',
  );
}
