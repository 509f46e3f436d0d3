import { readFileSync } from 'node:fs';
import { IntrospectAndCompose, type SupergraphManager } from '@apollo/gateway';
import type { MeshgateConfig } from './config.js';
import { ErrorCode, StartupError } from './errors.js';

/**
 * Where the gateway gets its supergraph: any composed supergraph file (what production
 * serves), or, in development, composing the SDL of live subgraphs at start.
 */
export type SupergraphSource =
  { supergraphSdl: string; describe: string } | { supergraphSdl: SupergraphManager; describe: string };

export function supergraphSource(config: MeshgateConfig): SupergraphSource {
  const { supergraph } = config;
  if (supergraph.source === 'introspect') {
    const subgraphs = Object.entries(config.subgraphUrls).map(([name, url]) => ({ name, url }));
    return {
      supergraphSdl: new IntrospectAndCompose({ subgraphs }),
      describe: `composed from ${subgraphs.map((s) => s.name).join(', ')}`,
    };
  }
  return { supergraphSdl: readSupergraphFile(supergraph.path), describe: supergraph.path };
}

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
