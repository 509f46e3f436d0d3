import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LineCounter, parse, parseDocument, stringify } from 'yaml';
import {
  CONTRACT_FILE,
  descriptorFromContract,
  type DataProductDescriptor,
} from '../../gateway/protocol/index.js';
import { withoutRepeats } from '../contract/contract-file.js';
import { sdlDisagreements } from '../contract/sdl-agreement.js';
import { odcsProblems } from '../contract/validate-contract.js';
import { ErrorCode, StartupError } from '../../gateway/common/errors.js';

/**
 * The subgraphs a check composes: every `subgraphs/<name>/schema.graphql` of the tree (the
 * data products' source of truth), with one replaced or added by `--subgraph NAME --schema
 * FILE [--descriptor FILE]`. Data contracts are read leniently here — the `descriptor` rule
 * reports what is wrong with them, instead of the check refusing to run.
 *
 * A contract's `schema` is checked against the SDL it goes with: the tree's SDL for the tree's
 * contract, the proposed SDL for a proposed contract (`--descriptor`). A proposed SDL alone is
 * checked by the other rules; the tree's contract then still answers for the tree's SDL, and
 * the contract change that must come with it is checked when it is proposed (or published).
 */
export interface SubgraphInput {
  readonly name: string;
  readonly sdl: string;
  /** Repository-relative path of the SDL, for annotations. */
  readonly schemaFile: string;
  readonly descriptor: DescriptorInput;
}

export interface DescriptorInput {
  readonly file: string;
  readonly exists: boolean;
  /** The parsed YAML, whatever its shape (null when missing or not YAML). */
  readonly raw: unknown;
  readonly valid: DataProductDescriptor | null;
  /** What is wrong with it, each at a JSON pointer and its line. */
  readonly problems: readonly ContractInputProblem[];
}

export interface ContractInputProblem {
  /** `odcs`: the official JSON Schema; `profile`: what meshgate reads; `sdl`: disagrees with the SDL. */
  readonly kind: 'odcs' | 'profile' | 'sdl';
  readonly pointer: string;
  readonly message: string;
  readonly line: number;
}

export interface ProposedSubgraph {
  readonly name: string;
  readonly schemaPath: string;
  readonly descriptorPath?: string | undefined;
}

/**
 * A subgraph given in memory, not read from the tree: what a registry holds in service, or a
 * proposal it was sent. `label` stands for the file in findings (`registry:orders`).
 */
export interface SubgraphSourceInput {
  readonly name: string;
  readonly sdl: string;
  /** The data contract as parsed (YAML or JSON); null when the version carries none. */
  readonly contract: unknown;
  readonly label: string;
}

/** The inputs of a check from memory: nothing is read from any directory. */
export function inputsFromSources(sources: readonly SubgraphSourceInput[]): SubgraphInput[] {
  return [...sources]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((source) => {
      const file = `${source.label}/${CONTRACT_FILE}`;
      return {
        name: source.name,
        sdl: source.sdl,
        schemaFile: `${source.label}/schema.graphql`,
        descriptor:
          source.contract === null || source.contract === undefined
            ? { file, exists: false, raw: null, valid: null, problems: [] }
            : descriptorInputFromText(file, stringify(source.contract), source.sdl),
      };
    });
}

export function loadSubgraphs(root: string, proposed?: ProposedSubgraph): SubgraphInput[] {
  const dir = join(root, 'subgraphs');
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'schema.graphql')))
    .map((entry) => entry.name);
  if (proposed && !/^[a-z][a-z0-9-]*$/.test(proposed.name)) {
    throw new StartupError(
      ErrorCode.BAD_USER_INPUT,
      `--subgraph "${proposed.name}" is not a data product name (a-z, 0-9, -)`,
    );
  }
  if (proposed && !names.includes(proposed.name)) names.push(proposed.name);
  return names.sort().map((name) => {
    const replaced = proposed?.name === name ? proposed : undefined;
    const schemaPath = replaced ? replaced.schemaPath : join(dir, name, 'schema.graphql');
    const descriptorPath = replaced?.descriptorPath ?? join(dir, name, CONTRACT_FILE);
    const sdl = readInput(schemaPath, '--schema');
    const treeSchema = join(dir, name, 'schema.graphql');
    const contractSdl =
      !replaced || replaced.descriptorPath
        ? sdl
        : existsSync(treeSchema)
          ? readFileSync(treeSchema, 'utf8')
          : null;
    return {
      name,
      sdl,
      schemaFile: relative(root, schemaPath),
      descriptor: readDescriptorInput(root, descriptorPath, contractSdl),
    };
  });
}

function readInput(path: string, flag: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw new StartupError(
      ErrorCode.BAD_USER_INPUT,
      `${flag} ${path}: cannot read (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`,
      cause,
    );
  }
}

function readDescriptorInput(root: string, path: string, sdl: string | null): DescriptorInput {
  const file = relative(root, path);
  if (!existsSync(path)) return { file, exists: false, raw: null, valid: null, problems: [] };
  return descriptorInputFromText(file, readFileSync(path, 'utf8'), sdl);
}

function descriptorInputFromText(file: string, text: string, sdl: string | null): DescriptorInput {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (cause) {
    return {
      file,
      exists: true,
      raw: null,
      valid: null,
      problems: [
        {
          kind: 'odcs',
          pointer: '',
          line: 1,
          message: `not YAML: ${(cause as Error).message.split('\n')[0]}`,
        },
      ],
    };
  }
  const reading = descriptorFromContract(raw);
  const line = lineOf(text);
  const official = odcsProblems(raw);
  const problems: ContractInputProblem[] = [
    ...official.map((p) => ({ kind: 'odcs' as const, ...p, line: line(p.pointer) })),
    ...(reading.ok ? [] : withoutRepeats(reading.problems, official)).map((p) => ({
      kind: 'profile' as const,
      ...p,
      line: line(p.pointer),
    })),
    ...(sdl === null ? [] : sdlDisagreements(sdl, raw)).map((p) => ({
      kind: 'sdl' as const,
      ...p,
      line: line(p.pointer),
    })),
  ];
  return { file, exists: true, raw, valid: reading.ok ? reading.descriptor : null, problems };
}

/** The line of a JSON pointer's node in the YAML text (1 when it is not there), for annotations. */
function lineOf(text: string): (pointer: string) => number {
  const counter = new LineCounter();
  const document = parseDocument(text, { lineCounter: counter });
  return (pointer) => {
    const path = pointer
      .split('/')
      .slice(1)
      .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'))
      .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    for (let n = path.length; n > 0; n--) {
      const node = document.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
      if (node?.range) return counter.linePos(node.range[0]).line;
    }
    return 1;
  };
}

/** The domain a descriptor names, even when the rest of it is invalid. */
export function domainOf(subgraph: SubgraphInput): string | null {
  const raw = subgraph.descriptor.raw as { domain?: unknown } | null;
  return (
    subgraph.descriptor.valid?.domain ?? (typeof raw?.domain === 'string' && raw.domain ? raw.domain : null)
  );
}
