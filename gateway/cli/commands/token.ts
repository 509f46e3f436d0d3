import type { Command } from 'commander';
import { issueToken } from '../../auth/index.js';
import { loadConfig } from '../../config/config.js';
import { ErrorCode, StartupError } from '../../common/errors.js';

/**
 * `meshgate token`: prints a bearer token the local gateway accepts, signed with JWT_SECRET or
 * the development key in the state directory (created on first use).
 */
export function registerTokenCommand(program: Command): void {
  program
    .command('token')
    .description('print a bearer token the local gateway accepts (development key or JWT_SECRET)')
    .requiredOption('--sub <subject>', 'who the token is for')
    .option('--roles <roles>', 'comma- or space-separated roles', '')
    .option('--scopes <scopes>', 'space-separated OAuth scopes', '')
    .option('--attr <name=value>', 'a principal attribute such as purpose=support (repeatable)', collect, [])
    .option('--ttl <duration>', 'lifetime: 90s, 15m, 1h, 7d', '1h')
    .action((options: { sub: string; roles: string; scopes: string; attr: string[]; ttl: string }) => {
      const config = loadConfig();
      const attributes: Record<string, string> = {};
      for (const entry of options.attr) {
        const match = /^([A-Za-z_]\w*)=(.*)$/.exec(entry);
        if (!match) throw new StartupError(ErrorCode.BAD_USER_INPUT, `--attr "${entry}" is not name=value`);
        attributes[match[1]!] = match[2]!;
      }
      console.log(
        issueToken(config.security.auth, config.stateDir, {
          sub: options.sub,
          roles: words(options.roles),
          scopes: words(options.scopes),
          attributes,
          ttlSeconds: duration(options.ttl),
        }),
      );
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function words(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

function duration(text: string): number {
  const match = /^(\d+)(s|m|h|d)$/.exec(text);
  if (!match)
    throw new StartupError(
      ErrorCode.BAD_USER_INPUT,
      `--ttl "${text}" is not a duration such as 90s, 15m, 1h or 7d`,
    );
  return Number(match[1]) * { s: 1, m: 60, h: 3600, d: 86_400 }[match[2] as 's' | 'm' | 'h' | 'd'];
}
