import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { PolicyRule } from '../../gateway/policy/types.js';
import type { SourceLocation } from './types.js';

/** The line of `id: <rule id>` in its policy file (line 1 when the file cannot be read). */
export function policyLocation(
  root: string,
  policyDir: string,
  rule: Pick<PolicyRule, 'id' | 'file'>,
): SourceLocation {
  const file = join(policyDir, rule.file);
  let line = 1;
  try {
    const lines = readFileSync(join(root, file), 'utf8').split('\n');
    const at = lines.findIndex((text) =>
      new RegExp(`^\\s*-?\\s*id:\\s*['"]?${rule.id}['"]?\\s*$`).test(text),
    );
    if (at >= 0) line = at + 1;
  } catch {
    // A baseline rule whose file is gone: point at the file.
  }
  return { file, line };
}
