import type { Command } from 'commander';
import type { MeshgateConfig } from '../config/config.js';
import { ErrorCode, StartupError } from '../common/errors.js';
import { adminToken, answerCode, requestAdmin } from './admin-request.js';

/** The flags of a command that talks to a running gateway. */
export interface GatewayFlags {
  readonly url?: string | undefined;
  /** The older name of --url, kept for scripts that use it. */
  readonly gateway?: string | undefined;
  readonly token?: string | undefined;
}

/**
 * `--url` (or MESHGATE_URL) and `--token` (or MESHGATE_TOKEN) on a command that talks to a
 * running gateway: with them it works from any directory, reading nothing from it.
 */
export function gatewayOptions(command: Command): Command {
  return command
    .option('--url <url>', 'a running gateway, e.g. https://mesh.example.com (default: MESHGATE_URL)')
    .option('--gateway <url>', 'same as --url')
    .option('--token <jwt>', 'bearer token (default: MESHGATE_TOKEN, else one signed with the local key)');
}

/** The gateway named by the flags or MESHGATE_URL (its origin: a /graphql URL works too); null: none named. */
export function namedGateway(flags: GatewayFlags): string | null {
  const named = flags.url ?? flags.gateway ?? process.env.MESHGATE_URL;
  if (!named) return null;
  try {
    return new URL(named).origin;
  } catch {
    return named; // fetch reports it as a gateway it cannot reach, with the command's code
  }
}

/** The gateway to ask: the one named, else this deployment's local one (HOST:PORT). */
export function gatewayBase(config: MeshgateConfig, flags: GatewayFlags): string {
  return (
    namedGateway(flags) ?? `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}`
  );
}

/** `--token`, else MESHGATE_TOKEN, else a one-minute development token for `identity`. */
export function gatewayToken(
  config: MeshgateConfig,
  flags: GatewayFlags,
  identity: { readonly sub: string; readonly roles: readonly string[] },
): string {
  return adminToken(config, flags.token ?? process.env.MESHGATE_TOKEN, identity);
}

/** One request of a command to a running gateway's JSON API. */
export interface GatewayCall {
  readonly base: string;
  readonly token: string;
  readonly path: string;
  readonly method?: 'GET' | 'POST' | undefined;
  readonly body?: unknown;
  /** The code of a refusal whose own code this CLI does not know. */
  readonly code: ErrorCode;
  /** How long the gateway may take to answer (default 30 s). */
  readonly timeoutMs?: number | undefined;
}

/**
 * Sends it and returns the JSON answer; a refusal or an unreachable gateway becomes one
 * StartupError line with the gateway's code (or `code`), as every refused command ends.
 */
export async function askGateway<T>({
  base,
  token,
  path,
  method = 'GET',
  body,
  code,
  timeoutMs = 30_000,
}: GatewayCall): Promise<T> {
  const answer = await requestAdmin({
    url: path,
    base,
    method,
    token,
    body,
    timeoutMs,
    unreachable: (cause) =>
      new StartupError(
        ErrorCode.GATEWAY_UNREACHABLE,
        `cannot reach the gateway at ${base} (${(cause as { cause?: { code?: string } }).cause?.code ?? (cause as Error).message})`,
      ),
  });
  if (!answer.ok)
    throw new StartupError(
      answerCode(answer, code),
      `${method} ${path.split('?')[0]}: HTTP ${answer.status}: ${answer.body.error?.message ?? 'refused'}`,
    );
  return answer.body as T;
}
