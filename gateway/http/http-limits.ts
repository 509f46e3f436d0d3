import type { FastifyError, FastifyInstance } from 'fastify';
import { ErrorCode } from '../common/errors.js';
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

/** Fastify's content-type-parser errors, by code → the status and code meshgate documents. */
const CLIENT_ERRORS: Record<string, { status: number; code: ErrorCode; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: ErrorCode.PAYLOAD_TOO_LARGE,
    message: 'Request body is too large',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    message: 'Unsupported content type: send application/json',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: ErrorCode.MALFORMED_REQUEST,
    message: 'Request body is empty',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    code: ErrorCode.MALFORMED_REQUEST,
    message: 'Request body is not valid JSON',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
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
    const { status, code, message } = CLIENT_ERRORS.FST_ERR_CTP_BODY_TOO_LARGE!;
    const refusal = refuse(request, status, code, message, { maxBodyBytes: limits.maxBodyBytes });
    if (declared <= DRAIN_MAX_BYTES) await drain(request.raw);
    return reply.code(status).header('connection', 'close').send(refusal);
  });

  app.addHook('preHandler', async (request, reply) => {
    if (Array.isArray(request.body) && request.body.length > limits.maxBatch) {
      const batch = request.body.length;
      return reply
        .code(400)
        .send(
          refuse(
            request,
            400,
            ErrorCode.BATCH_LIMIT_EXCEEDED,
            `Batch of ${batch} operations exceeds the maximum of ${limits.maxBatch}`,
            { batch, maxBatch: limits.maxBatch },
          ),
        );
    }
    return undefined;
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const known = CLIENT_ERRORS[error.code];
    if (known) {
      const extra = known.code === ErrorCode.PAYLOAD_TOO_LARGE ? { maxBodyBytes: limits.maxBodyBytes } : {};
      return reply.code(known.status).send(refuse(request, known.status, known.code, known.message, extra));
    }
    // JSON.parse's SyntaxError (fastify passes it through with statusCode 400), other 4xx.
    const status = typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status >= 400 && status < 500) {
      return reply
        .code(status)
        .send(refuse(request, status, ErrorCode.MALFORMED_REQUEST, 'Malformed request'));
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply
      .code(500)
      .send(refuse(request, 500, ErrorCode.INTERNAL_SERVER_ERROR, 'Internal server error'));
  });
}
