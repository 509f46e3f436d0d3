import type { Command } from 'commander';
import type { Incident } from '../../alerts/incident-types.js';
import { ErrorCode, StartupError } from '../../common/errors.js';
import { loadConfig, type MeshgateConfig } from '../../config/config.js';
import { answerCode, requestAdmin } from '../admin-request.js';
import { gatewayBase, gatewayOptions, gatewayToken, type GatewayFlags } from '../gateway-target.js';

type Flags = GatewayFlags;

/**
 * `meshgate incidents [--open] [--json]` and `meshgate incidents ack ID`: the incidents a
 * running gateway opened (GET /admin/incidents; every replica's with Redis), as a data steward.
 */
export function registerIncidentsCommand(program: Command): void {
  const withGateway = gatewayOptions;
  const incidents = withGateway(
    program
      .command('incidents')
      .description('incidents the gateway opened: burn alerts, blocking quality rules, stale data')
      .option('--open', 'only open and acknowledged ones')
      .option('--json', 'print JSON (what GET /admin/incidents answers)'),
  ).action(async (flags: Flags & { open?: boolean; json?: boolean }) => {
    const body = (await call(loadConfig(), flags, `/admin/incidents${flags.open ? '?open=true' : ''}`)) as {
      incidents: Incident[];
    };
    console.log(flags.json ? JSON.stringify(body, null, 2) : render(body.incidents));
  });
  // --gateway/--token after `ack ID` reach the parent command: read them from there too.
  incidents
    .command('ack')
    .description("acknowledge an incident (as the token's subject)")
    .argument('<id>')
    .action(async (id: string, _flags: unknown, command: Command) => {
      const flags = command.optsWithGlobals<Flags>();
      const path = `/admin/incidents/${encodeURIComponent(id)}/ack`;
      const body = (await call(loadConfig(), flags, path, 'POST')) as { incident: Incident };
      console.log(`${body.incident.id} ${body.incident.state} by ${body.incident.acknowledgedBy ?? '–'}`);
    });
}

async function call(
  config: MeshgateConfig,
  flags: Flags,
  path: string,
  method: 'GET' | 'POST' = 'GET',
): Promise<unknown> {
  const base = gatewayBase(config, flags);
  const answer = await requestAdmin({
    url: path,
    base,
    method,
    token: gatewayToken(config, flags, { sub: 'meshgate-incidents', roles: ['data-steward'] }),
    body: method === 'POST' ? {} : undefined,
    timeoutMs: 10_000,
    unreachable: (cause) => {
      const why = (cause as { cause?: { code?: string } }).cause?.code ?? (cause as Error).message;
      return new StartupError(
        ErrorCode.SLO_UNAVAILABLE,
        `cannot reach the gateway at ${base} (${why}); pass --url URL`,
      );
    },
  });
  if (!answer.ok)
    throw new StartupError(
      answerCode(answer, ErrorCode.SLO_UNAVAILABLE),
      `${path}: HTTP ${answer.status}: ${answer.body.error?.message ?? 'no answer'}`,
    );
  return answer.body;
}

const ms = (v: number | null) => (v === null ? '–' : `${(v / 1_000).toFixed(1)} s`);

function render(incidents: readonly Incident[]): string {
  if (incidents.length === 0) return 'no incidents';
  return incidents
    .map((i) =>
      [
        `${i.id}  ${i.state.toUpperCase()}  ${i.product} ${i.kind} ${i.condition}`,
        `  started ${i.startedAt}, detected ${i.detectedAt}${i.resolvedAt ? `, resolved ${i.resolvedAt}` : ''}`,
        `  time to detect ${ms(i.timeToDetectMs)}, notify ${ms(i.timeToNotifyMs)}, repair ${ms(i.timeToRepairMs)}`,
        ...(i.acknowledgedBy ? [`  acknowledged by ${i.acknowledgedBy} at ${i.acknowledgedAt}`] : []),
        `  consumers: ${i.consumers.length ? i.consumers.join(', ') : 'none in the last 7 days'}`,
      ].join('\n'),
    )
    .join('\n\n');
}
