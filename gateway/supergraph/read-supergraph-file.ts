import { readFileSync } from 'node:fs';
import { ErrorCode, StartupError } from '../common/errors.js';

/**
 * Reads a composed supergraph file, refusing anything that is not one (a subgraph's SDL, a
 * typo'd path) with a code, before @apollo/gateway would fail on it less clearly.
 */
export function readSupergraphFile(path: string): string {
  let sdl: string;
  try {
    sdl = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new StartupError(
      ErrorCode.SUPERGRAPH_UNREADABLE,
      `cannot read supergraph ${path}: ${(cause as NodeJS.ErrnoException).code ?? String(cause)}`,
      cause,
    );
  }
  if (!/@link\s*\(\s*url:\s*"https:\/\/specs\.apollo\.dev\/join\//.test(sdl)) {
    throw new StartupError(
      ErrorCode.SUPERGRAPH_INVALID,
      `${path} is not a supergraph: it has no @link to the join spec (compose one with "meshgate compose")`,
    );
  }
  return sdl;
}
