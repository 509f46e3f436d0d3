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
    .option('--sub <subject>', 'who the token is for (required, except with --console)')
    .option('--roles <roles>', 'comma- or space-separated roles', '')
    .option('--scopes <scopes>', 'space-separated OAuth scopes', '')
    .option(
      '--teams <teams>',
      'comma- or space-separated teams the token acts for: the registry lets a team publish the products its contracts name',
      '',
    )
    .option(
      '--attr <name=value>',
      'a principal attribute such as purpose=support; a list with commas: countries=DE,AT (repeatable)',
      collect,
      [],
    )
    .option('--ttl <duration>', 'lifetime: 90s, 15m, 1h, 7d', '1h')
    .option(
      '--console',
      'also say where to sign in to the console with it; without --sub: a data steward "developer"',
    )
    .action((options: TokenOptions) => {
      const config = loadConfig();
      // The console's development sign-in: a principal who sees every page, unless told otherwise.
      const sub = options.sub ?? (options.console ? 'developer' : undefined);
      if (sub === undefined) throw new StartupError(ErrorCode.BAD_USER_INPUT, '--sub is required');
      const roles = options.roles || (options.console && options.sub === undefined ? 'data-steward' : '');
      const attributes: Record<string, string | string[]> = {};
      for (const entry of options.attr) {
        const match = /^([A-Za-z_]\w*)=(.*)$/.exec(entry);
        if (!match) throw new StartupError(ErrorCode.BAD_USER_INPUT, `--attr "${entry}" is not name=value`);
        // `countries=DE,AT` is a list attribute (a JSON array claim); `purpose=support` a string.
        const value = match[2]!;
        attributes[match[1]!] = value.includes(',') ? value.split(',').filter(Boolean) : value;
      }
      console.log(
        issueToken(config.security.auth, config.stateDir, {
          sub,
          roles: words(roles),
          scopes: words(options.scopes),
          teams: words(options.teams),
          attributes,
          ttlSeconds: duration(options.ttl),
        }),
      );
      // On stderr, so stdout stays the token alone; the token goes in the form, never in a URL.
      if (options.console)
        console.error(
          `sign in: open http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.port}/console/login and paste the token above (${sub} [${words(roles).join(' ')}], valid ${options.ttl})`,
        );
    });
}

interface TokenOptions {
  sub?: string;
  roles: string;
  scopes: string;
  teams: string;
  attr: string[];
  ttl: string;
  console?: boolean;
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
