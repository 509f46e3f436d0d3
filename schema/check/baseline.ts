import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { ErrorCode, StartupError } from '../../gateway/common/errors.js';
import { parsePolicyFile, readPolicyFiles } from '../../gateway/policy/policy-file.js';
import type { PolicyRule } from '../../gateway/policy/types.js';
import { schemaView, type SchemaView } from './schema-view.js';

/**
 * What the proposed schema is compared with: the committed `schema/supergraph.graphql`, the
 * same file at a git ref (`--base origin/main`, read with `git show REF:path`), or a file
 * (`--base-schema`). Policies likewise: at the ref, from a directory, or none to compare.
 */
export interface BaselineSource {
  readonly root: string;
  readonly ref?: string | undefined;
  readonly schemaFile?: string | undefined;
  readonly policyDir?: string | undefined;
}

const SUPERGRAPH = 'schema/supergraph.graphql';
const POLICIES = 'policies';

export function readBaselineSchema(source: BaselineSource): { label: string; view: SchemaView } {
  const [label, text] =
    source.ref !== undefined
      ? [`${SUPERGRAPH} at ${source.ref}`, git(source.root, ['show', `${source.ref}:${SUPERGRAPH}`])]
      : [source.schemaFile ?? SUPERGRAPH, readText(source.schemaFile ?? `${source.root}/${SUPERGRAPH}`)];
  return baselineFromText(label, text);
}

/** A baseline given as text (the supergraph a registry has in service), named `label` in messages. */
export function baselineFromText(label: string, text: string): { label: string; view: SchemaView } {
  try {
    return { label, view: schemaView(text) };
  } catch (cause) {
    throw new StartupError(
      ErrorCode.BASELINE_UNREADABLE,
      `${label} is not a valid supergraph: ${(cause as Error).message.split('\n')[0]}`,
      cause,
    );
  }
}

/** The baseline's policy rules; null when there is nothing to compare with (no ref, no directory). */
export function readBaselinePolicies(source: BaselineSource): { label: string; rules: PolicyRule[] } | null {
  if (source.policyDir !== undefined)
    return { label: source.policyDir, rules: readPolicyFiles(source.policyDir) };
  if (source.ref === undefined) return null;
  const listing = git(source.root, ['ls-tree', '--name-only', source.ref, `${POLICIES}/`]);
  const files = listing.split('\n').filter((path) => /\.ya?ml$/.test(path) && !/\.test\.ya?ml$/.test(path));
  const rules = files.flatMap((path) =>
    parsePolicyFile(basename(path), git(source.root, ['show', `${source.ref}:${path}`])),
  );
  return { label: `${POLICIES}/ at ${source.ref}`, rules };
}

function git(root: string, args: string[]): string {
  try {
    return execFileSync('git', args, {
      cwd: root,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      maxBuffer: 64 * 1024 * 1024,
    });
  } catch (cause) {
    const stderr = String((cause as { stderr?: unknown }).stderr ?? '')
      .trim()
      .split('\n')[0];
    throw new StartupError(
      ErrorCode.BASELINE_UNREADABLE,
      `git ${args.join(' ')} failed: ${stderr || (cause as Error).message}`,
      cause,
    );
  }
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (cause) {
    throw new StartupError(
      ErrorCode.BASELINE_UNREADABLE,
      `cannot read the baseline ${path} (${(cause as NodeJS.ErrnoException).code ?? String(cause)})`,
      cause,
    );
  }
}
