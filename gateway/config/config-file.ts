import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ErrorCode, StartupError } from '../common/errors.js';

/**
 * A configuration file (MESHGATE_CONFIG=path or `meshgate --config path`): YAML or JSON, a
 * mapping whose keys are the same variable names as the environment's (`PORT: 4000`,
 * `MAX_DEPTH: 10`). Values become the strings the environment would hold, so one zod schema
 * validates both; the environment wins over the file. An unreadable file, an unknown key or
 * a nested value refuses start-up with one CONFIG_INVALID line naming the file and the key.
 */
export function readConfigFile(path: string, known: readonly string[]): Record<string, string> {
  let document: unknown;
  try {
    document = parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
    throw new StartupError(ErrorCode.CONFIG_INVALID, `config file ${path}: ${reason}`, cause);
  }
  if (document === null || document === undefined) return {};
  if (typeof document !== 'object' || Array.isArray(document)) {
    throw new StartupError(
      ErrorCode.CONFIG_INVALID,
      `config file ${path}: must be a mapping of VARIABLE: value`,
    );
  }
  const values: Record<string, string> = {};
  const problems: string[] = [];
  for (const [key, value] of Object.entries(document)) {
    if (key === 'MESHGATE_CONFIG' || !known.includes(key)) {
      problems.push(`${key}: not a meshgate variable`);
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      values[key] = String(value);
    } else if (value !== null) {
      problems.push(`${key}: must be a string, a number or true/false`);
    }
  }
  if (problems.length > 0)
    throw new StartupError(ErrorCode.CONFIG_INVALID, `config file ${path}: ${problems.join('; ')}`);
  return values;
}
