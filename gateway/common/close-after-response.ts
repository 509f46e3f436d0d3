import type { FastifyInstance } from 'fastify';

/**
 * Graceful stop with keep-alive clients: `close()` closes the connections that are idle when
 * it is called, but a connection whose request is still running stays open after its answer,
 * until the client's keep-alive timeout (fastify advertises 72 s). So from `preClose` on,
 * every response says `connection: close`, and Node ends each connection once it is answered.
 */
export function closeAfterResponseOnStop(app: FastifyInstance): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) void reply.header('connection', 'close');
  });
}
