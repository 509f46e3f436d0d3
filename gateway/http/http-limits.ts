import type { FastifyError, FastifyInstance } from 'fastify';
import { ErrorCode, httpStatusOf, messageOf, type HttpErrorCode } from '../common/errors.js';
import type { LimitsConfig } from '../limits/types.js';

/** Told about every request refused at the HTTP layer (metrics and the request log). */
export type OnRefused = (refusal: {
  status: number;
  code: ErrorCode;
  method: string;
  url: string;
  requestId: string | undefined;
}) => void;

export interface HttpLimitsOptions {
  limits: Pick<LimitsConfig, 'maxBodyBytes' | 'maxBatch'>;
  onRefused?: OnRefused | undefined;
}

/** Fastify's content-type-parser errors, by code → the code meshgate documents (and its status). */
const CLIENT_ERRORS: Record<string, { code: HttpErrorCode; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: ErrorCode.PAYLOAD_TOO_LARGE,
    message: messageOf(ErrorCode.PAYLOAD_TOO_LARGE),
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    message: messageOf(ErrorCode.UNSUPPORTED_MEDIA_TYPE),
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: ErrorCode.MALFORMED_REQUEST,
    message: 'Request body is empty',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    code: ErrorCode.MALFORMED_REQUEST,
    message: 'Request body is not valid JSON',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: ErrorCode.MALFORMED_REQUEST,
    message: 'Content-Length does not match the body',
  },
};

/** The largest over-limit body read to its end so that the client can read the 413. */
const DRAIN_MAX_BYTES = 64 * 1024 * 1024;

function drain(stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve) => {
    stream.once('end', resolve);
    stream.once('error', () => resolve());
    stream.once('close', resolve);
    stream.resume();
  });
}

/**
 * The limits enforced before GraphQL sees a request: body size (413 PAYLOAD_TOO_LARGE; the
 * server's `bodyLimit` is set from the same MAX_BODY_BYTES), operations per batch (400
 * BATCH_LIMIT_EXCEEDED) and fastify's parsing errors, answered in the GraphQL error shape
 * with a code (400 MALFORMED_REQUEST, 415 UNSUPPORTED_MEDIA_TYPE). Nothing here logs at
 * error level except a 5xx: a client's mistake is not the server's.
 */
export function useHttpLimits(app: FastifyInstance, { limits, onRefused }: HttpLimitsOptions): void {
  const refuse = (
    request: { method: string; url: string; headers: Record<string, unknown> },
    status: number,
    code: ErrorCode,
    message: string,
    extra: Record<string, number> = {},
  ) => {
    const requestId =
      typeof request.headers['x-request-id'] === 'string' ? request.headers['x-request-id'] : undefined;
    onRefused?.({ status, code, method: request.method, url: request.url.split('?')[0] ?? '', requestId });
    return { errors: [{ message, extensions: { code, ...extra } }] };
  };

  // A body declared larger than the limit is read to its end and thrown away before the 413 is
  // sent. Answering while the client is still writing makes Node's fetch and undici fail with
  // EPIPE instead of reading the answer (curl copes; they don't). Draining costs bandwidth, not
  // memory; past DRAIN_MAX_BYTES the socket is closed instead, so the drain can't be abused.
  app.addHook('onRequest', async (request, reply) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (!(declared > limits.maxBodyBytes)) return undefined;
    const { code, message } = CLIENT_ERRORS.FST_ERR_CTP_BODY_TOO_LARGE!;
    const status = httpStatusOf(code);
    const refusal = refuse(request, status, code, message, { maxBodyBytes: limits.maxBodyBytes });
    if (declared <= DRAIN_MAX_BYTES) await drain(request.raw);
    return reply.code(status).header('connection', 'close').send(refusal);
  });

  app.addHook('preHandler', async (request, reply) => {
    if (Array.isArray(request.body) && request.body.length > limits.maxBatch) {
      const batch = request.body.length;
      const code = ErrorCode.BATCH_LIMIT_EXCEEDED;
      const status = httpStatusOf(code);
      const message = `Batch of ${batch} operations exceeds the maximum of ${limits.maxBatch}`;
      return reply
        .code(status)
        .send(refuse(request, status, code, message, { batch, maxBatch: limits.maxBatch }));
    }
    return undefined;
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = CLIENT_ERRORS[error.code];
    if (known) {
      const extra = known.code === ErrorCode.PAYLOAD_TOO_LARGE ? { maxBodyBytes: limits.maxBodyBytes } : {};
      const status = httpStatusOf(known.code);
      return reply.code(status).send(refuse(request, status, known.code, known.message, extra));
    }
    // JSON.parse's SyntaxError (fastify passes it through with statusCode 400), other 4xx: the
    // status fastify chose is the more precise one, so it is kept.
    const internal = ErrorCode.INTERNAL_SERVER_ERROR;
    const status = typeof error.statusCode === 'number' ? error.statusCode : httpStatusOf(internal);
    if (status >= 400 && status < 500) {
      const code = ErrorCode.MALFORMED_REQUEST;
      return reply.code(status).send(refuse(request, status, code, messageOf(code)));
    }
    request.log.error({ err: error }, 'unhandled error');
    const unhandled = httpStatusOf(internal);
    return reply.code(unhandled).send(refuse(request, unhandled, internal, messageOf(internal)));
  });
}
