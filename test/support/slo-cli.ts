import { runMeshgate, type CliRun } from './cli.js';
import { personaToken } from './personas.js';

/** `meshgate slo --product NAME` asking a running gateway (its base URL), as a data steward. */
export function sloFromGateway(base: string, product: string): Promise<CliRun> {
  return runMeshgate([
    'slo',
    '--product',
    product,
    '--gateway',
    base,
    '--token',
    personaToken('data-steward'),
  ]);
}
