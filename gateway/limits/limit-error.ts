import { httpExtension, MeshgateGraphQLError, type HttpErrorCode } from '../common/errors.js';

/**
 * An operation refused by a limit: the code's status with the limit's own code and the
 * numbers, so a client can tell which limit it hit and by how much.
 */
export function limitError(
  code: HttpErrorCode,
  message: string,
  numbers: Record<string, number>,
  headers: Record<string, string> = {},
): MeshgateGraphQLError {
  return new MeshgateGraphQLError(code, message, {
    ...numbers,
    http: httpExtension(code, headers),
  });
}
