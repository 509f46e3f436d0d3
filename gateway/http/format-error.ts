import type { GraphQLFormattedError } from 'graphql';
import type { Environment } from '../config/config.js';
import { ErrorCode, messageOf } from '../common/errors.js';

/** The catalogue's codes, Apollo Server's among them. */
const KNOWN_CODES = new Set<string>(Object.values(ErrorCode));

/**
 * A client's own mistake (an error with a known code) never carries the server's stack, in any
 * mode: the frames name the install's paths and say nothing the message doesn't. An unexpected
 * error keeps its stack in development only; outside development it is masked, since its
 * message may carry a stack, a SQL fragment or an internal hostname.
 */
export function formatError(environment: Environment) {
  return (formatted: GraphQLFormattedError): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && KNOWN_CODES.has(code) && code !== ErrorCode.INTERNAL_SERVER_ERROR) {
      return withoutStack(formatted);
    }
    if (environment === 'development') return formatted;
    return {
      message: messageOf(ErrorCode.INTERNAL_SERVER_ERROR),
      ...(formatted.path && { path: formatted.path }),
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR },
    };
  };
}

function withoutStack(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (!formatted.extensions || !('stacktrace' in formatted.extensions)) return formatted;
  const { stacktrace: _stacktrace, ...extensions } = formatted.extensions;
  return { ...formatted, extensions };
}
