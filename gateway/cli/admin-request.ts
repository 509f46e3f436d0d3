import { issueToken } from '../auth/index.js';
import { ErrorCode } from '../common/errors.js';
import type { MeshgateConfig } from '../config/config.js';

/**
 * How a CLI command talks to a running gateway's admin API (`/admin/*`): a bearer token, a
 * JSON body, and the API's error envelope. The transport lives here once; each command keeps
 * its own URL, error codes and wording, which users and scripts already rely on.
 */
export interface AdminRequest {
  /**
   * Where to send it; with `base`, resolved against it as `new URL(url, base)` does. Both are
   * parsed inside the request, so a malformed one counts as a gateway it cannot reach.
   */
  readonly url: string;
  readonly base?: string | undefined;
  readonly method?: 'GET' | 'POST' | undefined;
  /** A bearer token the admin route accepts (its roles are the route's to check). */
  readonly token: string;
  /** Sent as JSON with its content type; undefined: no body. */
  readonly body?: unknown;
  /** Give up after this long; undefined: wait as long as fetch does. */
  readonly timeoutMs?: number | undefined;
  /** The error to throw when the gateway cannot be reached (`cause`: what fetch threw). */
  unreachable(cause: unknown): Error;
}

/** The admin API's error envelope, present on an answer that is not ok. */
export interface AdminAnswerBody {
  readonly error?: { readonly code?: string; readonly message?: string };
}

/** What the gateway answered: its status and JSON body (`{}` when the body was not JSON). */
export interface AdminAnswer {
  readonly status: number;
  readonly ok: boolean;
  readonly body: AdminAnswerBody;
}

/**
 * Sends the request and reads the answer. Throws `unreachable(cause)` when the gateway cannot
 * be reached; an error answer resolves, so each command words its own failures.
 */
export async function requestAdmin(request: AdminRequest): Promise<AdminAnswer> {
  let response: Response;
  try {
    const url = request.base === undefined ? request.url : new URL(request.url, request.base);
    response = await fetch(url, {
      method: request.method ?? 'GET',
      headers: {
        authorization: `Bearer ${request.token}`,
        ...(request.body !== undefined && { 'content-type': 'application/json' }),
      },
      ...(request.body !== undefined && { body: JSON.stringify(request.body) }),
      ...(request.timeoutMs !== undefined && { signal: AbortSignal.timeout(request.timeoutMs) }),
    });
  } catch (cause) {
    throw request.unreachable(cause);
  }
  const body = (await response.json().catch(() => ({}))) as AdminAnswerBody;
  return { status: response.status, ok: response.ok, body };
}

/** The error code the gateway answered with, when this CLI knows it; else `fallback`. */
export function answerCode(answer: AdminAnswer, fallback: ErrorCode): ErrorCode {
  return Object.values(ErrorCode).find((c) => c === answer.body.error?.code) ?? fallback;
}

/**
 * `--token` when given; else a one-minute token for `sub` with `roles`, signed with this
 * deployment's key (JWT_SECRET or the development key), as `meshgate token` would issue it.
 */
export function adminToken(
  config: MeshgateConfig,
  given: string | undefined,
  identity: { readonly sub: string; readonly roles: readonly string[] },
): string {
  return (
    given ??
    issueToken(config.security.auth, config.stateDir, {
      sub: identity.sub,
      roles: identity.roles,
      ttlSeconds: 60,
    })
  );
}
