import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ErrorCode, StartupError } from '../common/errors.js';
import type { ManifestOperation, Safelist } from './types.js';

/** Apollo's persisted query manifest (what `generate-persisted-query-manifest` writes). */
const Manifest = z.object({
  format: z.literal('apollo-persisted-query-manifest'),
  version: z.literal(1),
  operations: z.array(
    z.object({
      id: z.string().regex(/^[0-9a-f]{64}$/, 'must be a sha256 hex digest'),
      name: z.string(),
      type: z.enum(['query', 'mutation', 'subscription']),
      body: z.string().min(1),
    }),
  ),
});

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Reads the published manifest at start; a missing, malformed or inconsistent one (an id that
 * is not its body's sha256) refuses start-up with CONFIG_INVALID naming the file and operation.
 */
export function readSafelist(path: string): Safelist {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new StartupError(
      ErrorCode.CONFIG_INVALID,
      `SAFELIST_PATH ${path}: ${cause instanceof Error ? cause.message.split('\n')[0] : String(cause)}`,
      cause,
    );
  }
  const parsed = Manifest.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new StartupError(
      ErrorCode.CONFIG_INVALID,
      `SAFELIST_PATH ${path}: ${issue?.path.join('.') || 'manifest'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return safelistOf(path, parsed.data.operations);
}

export function safelistOf(path: string, operations: readonly ManifestOperation[]): Safelist {
  const byHash = new Map<string, string>();
  for (const operation of operations) {
    if (sha256(operation.body) !== operation.id) {
      throw new StartupError(
        ErrorCode.CONFIG_INVALID,
        `SAFELIST_PATH ${path}: operation "${operation.name}": id is not the sha256 of its body`,
      );
    }
    byHash.set(operation.id, operation.body);
  }
  return Object.freeze({
    path,
    operations: byHash,
    has: (hash: string | undefined) => hash !== undefined && byHash.has(hash),
  });
}

/** A manifest for `operations` (used by tests and to publish one). */
export function manifestOf(
  operations: readonly { name: string; body: string; type?: ManifestOperation['type'] }[],
): string {
  return JSON.stringify(
    {
      format: 'apollo-persisted-query-manifest',
      version: 1,
      operations: operations.map((o) => ({
        id: sha256(o.body),
        name: o.name,
        type: o.type ?? 'query',
        body: o.body,
      })),
    },
    null,
    2,
  );
}
