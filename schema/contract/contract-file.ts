import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { ErrorCode, StartupError } from '../../gateway/common/errors.js';
import {
  descriptorFromContract,
  type ContractProblem,
  type DataProductDescriptor,
} from '../../gateway/protocol/index.js';
import { sdlDisagreements } from './sdl-agreement.js';
import { odcsProblems } from './validate-contract.js';

/**
 * A data contract as `meshgate contract` reads and writes it. The text form is canonical
 * (the YAML of the parsed document, keys in their order, no line folding), so export →
 * import → export gives the same bytes, and nothing of the document is lost on the way.
 */
export function contractText(contract: unknown): string {
  return stringify(contract, { lineWidth: 0 });
}

/** Every problem of a contract: the official schema's, meshgate's, and its disagreements with the SDL. */
export function contractProblems(contract: unknown, sdl: string | null): ContractProblem[] {
  const reading = descriptorFromContract(contract);
  const official = odcsProblems(contract);
  return [
    ...official,
    ...(reading.ok ? [] : withoutRepeats(reading.problems, official)),
    ...(sdl === null ? [] : sdlDisagreements(sdl, contract)),
  ];
}

/** meshgate's own problems, less those at a pointer the official schema already reports. */
export function withoutRepeats(
  problems: readonly ContractProblem[],
  official: readonly ContractProblem[],
): ContractProblem[] {
  const reported = new Set(official.map((p) => p.pointer));
  return problems.filter((p) => !reported.has(p.pointer));
}

/**
 * Reads a contract file (YAML or JSON) and checks it completely, against `sdlFor(name)` —
 * the SDL of the product it names. Any problem refuses it with the file and the JSON pointers.
 */
export function readContractFile(
  file: string,
  sdlFor: (name: string) => string,
): { contract: unknown; descriptor: DataProductDescriptor } {
  let contract: unknown;
  try {
    contract = parse(readFileSync(file, 'utf8'));
  } catch (cause) {
    throw new StartupError(
      ErrorCode.CONTRACT_INVALID,
      `${file}: cannot read a data contract (${(cause as Error).message.split('\n')[0]})`,
      cause,
    );
  }
  const reading = descriptorFromContract(contract);
  const sdl = reading.ok ? sdlFor(reading.descriptor.name) : null;
  const problems = contractProblems(contract, sdl);
  if (!reading.ok || problems.length)
    throw new StartupError(
      ErrorCode.CONTRACT_INVALID,
      `${file} is not a valid data contract: ${problems.map((p) => `${p.pointer || '(root)'}: ${p.message}`).join('; ')}`,
    );
  return { contract, descriptor: reading.descriptor };
}
