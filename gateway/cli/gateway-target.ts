import type { Command } from 'commander';
import type { MeshgateConfig } from '../config/config.js';
import { adminToken } from './admin-request.js';

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
