import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { useHttpLimits } from '../http/http-limits.js';
import { translateRefusals } from './jsonrpc-refusals.js';

describe('translateRefusals', () => {
  it("answers the HTTP stage's refusals at /mcp as JSON-RPC errors, and leaves other routes alone", async () => {
    const app = Fastify({ bodyLimit: 100 });
    useHttpLimits(app, { limits: { maxBodyBytes: 100, maxBatch: 10 } });
    await app.register(async (scope) => {
      translateRefusals(scope);
      scope.post('/mcp', async () => ({ ok: true }));
    });
    app.post('/graphql', async () => ({ ok: true }));
    const big = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { x: 'x'.repeat(200) } });
    const headers = { 'content-type': 'application/json' };

    const mcp = await app.inject({ method: 'POST', url: '/mcp', headers, payload: big });
    expect(mcp.statusCode).toBe(413);
    expect(mcp.json()).toEqual({
      jsonrpc: '2.0',
      id: null,
      error: {
        code: -32600,
        message: 'Request body is too large',
        data: { code: 'PAYLOAD_TOO_LARGE', maxBodyBytes: 100 },
      },
    });
    const malformed = await app.inject({ method: 'POST', url: '/mcp', headers, payload: '{"jsonrpc":' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ error: { code: -32700, data: { code: 'MALFORMED_REQUEST' } } });

    const graphql = await app.inject({ method: 'POST', url: '/graphql', headers, payload: big });
    expect(graphql.json()).toMatchObject({ errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
    await app.close();
  });
});
