import { parse } from 'yaml';
import { ErrorCode, StartupError } from '../../../gateway/common/errors.js';
import { descriptorFromContract, type DataProductDescriptor } from '../../../gateway/protocol/index.js';
import { sdlDisagreements } from '../../contract/sdl-agreement.js';

/** What a team sends to publish or check a version of its data product. */
export interface PublishRequest {
  readonly name: string;
  readonly sdl: string;
  /** Where gateways reach the subgraph; undefined: the URL of the version in service. */
  readonly url: string | undefined;
  readonly descriptor: DataProductDescriptor;
}

const NAME = /^[a-z][a-z0-9-]{0,62}$/;

/** A product name as the registry takes it (and Redis keys and URLs carry it): a-z, 0-9, -. */
export function productName(name: string): string {
  if (!NAME.test(name))
    throw invalid(`"${name}" is not a data product name: a lowercase letter, then a-z, 0-9 or -`);
  return name;
}

/**
 * Reads the body of a publish or check: `{ sdl, contract, url? }`, the contract as ODCS YAML
 * text or as its JSON. A contract meshgate cannot read, or one naming another product, is
 * REGISTRY_REQUEST_INVALID; one whose `schema` disagrees with the SDL, CONTRACT_SDL_MISMATCH.
 */
export function readPublishRequest(name: string, body: unknown): PublishRequest {
  productName(name);
  const { sdl, contract, url } = (typeof body === 'object' && body !== null ? body : {}) as Record<
    string,
    unknown
  >;
  if (typeof sdl !== 'string' || sdl.trim() === '') throw invalid('"sdl" must be the subgraph\'s SDL');
  if (url !== undefined && (typeof url !== 'string' || !/^https?:\/\/\S+$/.test(url)))
    throw invalid('"url" must be an http(s) URL where gateways reach the subgraph');
  const raw = readContract(contract);
  const reading = descriptorFromContract(raw);
  if (!reading.ok)
    throw invalid(
      `the data contract is not one meshgate reads: ${reading.problems
        .map((p) => `${p.pointer || '(root)'}: ${p.message}`)
        .join('; ')}`,
    );
  if (reading.descriptor.name !== name)
    throw invalid(`the data contract is for "${reading.descriptor.name}", not "${name}"`);
  const disagreements = sdlDisagreements(sdl, raw);
  if (disagreements.length)
    throw new StartupError(
      ErrorCode.CONTRACT_SDL_MISMATCH,
      `the data contract of ${name} disagrees with its SDL: ${disagreements
        .map((p) => `${p.pointer}: ${p.message}`)
        .join('; ')}`,
    );
  return { name, sdl, url, descriptor: reading.descriptor };
}

/** The team a request's contract names, when it can be read at all (for the audit of a refusal). */
export function contractTeam(body: unknown): string | null {
  try {
    const raw = readContract((body as { contract?: unknown } | null)?.contract) as {
      team?: { name?: unknown };
    } | null;
    return typeof raw?.team?.name === 'string' ? raw.team.name : null;
  } catch {
    return null;
  }
}

function readContract(contract: unknown): unknown {
  if (typeof contract === 'object' && contract !== null) return contract;
  if (typeof contract !== 'string' || contract.trim() === '')
    throw invalid('"contract" must be the data contract (ODCS YAML text, or its JSON)');
  try {
    return parse(contract) as unknown;
  } catch (cause) {
    throw invalid(`"contract" is not YAML: ${(cause as Error).message.split('\n')[0]}`);
  }
}

function invalid(message: string): StartupError {
  return new StartupError(ErrorCode.REGISTRY_REQUEST_INVALID, message);
}
