import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { DataProductDescriptor } from '../../subgraphs/kit/descriptor.js';
import { ErrorCode, StartupError } from '../../gateway/common/errors.js';

/**
 * The subgraphs a check composes: every `subgraphs/<name>/schema.graphql` of the tree (the
 * data products' source of truth), with one replaced or added by `--subgraph NAME --schema
 * FILE [--descriptor FILE]`. Descriptors are read leniently here — the `descriptor` rule
 * reports what is wrong with them, instead of the check refusing to run.
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
  /** Schema problems, `path: message`. */
  readonly problems: readonly { path: string; message: string }[];
}

export interface ProposedSubgraph {
  readonly name: string;
  readonly schemaPath: string;
  readonly descriptorPath?: string | undefined;
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
    const descriptorPath = replaced?.descriptorPath ?? join(dir, name, 'product.yaml');
    return {
      name,
      sdl: readInput(schemaPath, '--schema'),
      schemaFile: relative(root, schemaPath),
      descriptor: readDescriptorInput(root, descriptorPath),
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

function readDescriptorInput(root: string, path: string): DescriptorInput {
  const file = relative(root, path);
  if (!existsSync(path)) return { file, exists: false, raw: null, valid: null, problems: [] };
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    return {
      file,
      exists: true,
      raw: null,
      valid: null,
      problems: [{ path: '(root)', message: `not YAML: ${(cause as Error).message.split('\n')[0]}` }],
    };
  }
  const result = DataProductDescriptor.safeParse(raw);
  return result.success
    ? { file, exists: true, raw, valid: result.data, problems: [] }
    : {
        file,
        exists: true,
        raw,
        valid: null,
        problems: result.error.issues.map((i) => ({
          path: i.path.join('.') || '(root)',
          message: i.message,
        })),
      };
}

/** The domain a descriptor names, even when the rest of it is invalid. */
export function domainOf(subgraph: SubgraphInput): string | null {
  const raw = subgraph.descriptor.raw as { domain?: unknown } | null;
  return (
    subgraph.descriptor.valid?.domain ?? (typeof raw?.domain === 'string' && raw.domain ? raw.domain : null)
  );
}
