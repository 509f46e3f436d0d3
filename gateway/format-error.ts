import type { GraphQLFormattedError } from 'graphql';
import type { Environment } from './config.js';
import { APOLLO_REQUEST_ERROR_CODES, ErrorCode } from './errors.js';

const KNOWN_CODES = new Set<string>([...Object.values(ErrorCode), ...APOLLO_REQUEST_ERROR_CODES]);

/**
 * Outside development an error without a known code is masked: its message may carry a
 * stack, a SQL fragment or an internal hostname, none of which a client should see.
 */
export function formatError(environment: Environment) {
  return (formatted: GraphQLFormattedError): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (
      environment === 'development' ||
      (typeof code === 'string' && KNOWN_CODES.has(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR)
    ) {
      return formatted;
    }
    return {
      message: 'Internal server error',
      ...(formatted.path && { path: formatted.path }),
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}
