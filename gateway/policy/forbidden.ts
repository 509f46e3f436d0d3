import { ErrorCode, MeshgateGraphQLError, httpExtension } from '../common/errors.js';

/** The policy layer refusing a whole request: 403 UNAUTHORIZED_FIELD_OR_TYPE. */
export function forbidden(message: string, extensions: Record<string, unknown> = {}): MeshgateGraphQLError {
  return new MeshgateGraphQLError(ErrorCode.UNAUTHORIZED_FIELD_OR_TYPE, message, {
    ...extensions,
    http: httpExtension(ErrorCode.UNAUTHORIZED_FIELD_OR_TYPE),
  });
}
