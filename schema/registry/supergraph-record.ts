import { createHash } from 'node:crypto';
import type { PublishedSupergraph } from './types.js';

/** The short id a supergraph is known by in `/ready` and logs: the first 12 hex digits of its sha256. */
export function supergraphId(sdl: string): string {
  return createHash('sha256').update(sdl).digest('hex').slice(0, 12);
}

export function supergraphRecord(input: Omit<PublishedSupergraph, 'id' | 'composedAt'>): PublishedSupergraph {
  return { ...input, id: supergraphId(input.sdl), composedAt: new Date().toISOString() };
}
