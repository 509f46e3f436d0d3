import type { ErrorCode } from '../common/errors.js';
import { MeshgateGraphQLError } from '../common/errors.js';

/**
 * An operation refused by a limit: 400 (or the status given) with the limit's own code and
 * the numbers, so a client can tell which limit it hit and by how much.
 */
export function limitError(
  code: ErrorCode,
  message: string,
  numbers: Record<string, number>,
  status = 400,
  headers: Record<string, string> = {},
): MeshgateGraphQLError {
  return new MeshgateGraphQLError(code, message, {
    ...numbers,
    http: { status, headers: new Map(Object.entries(headers)) },
  });
}
