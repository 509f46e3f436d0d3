import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ErrorCode, httpStatusOf } from '../../common/errors.js';
import type { Logger } from '../../common/logger.js';
import type { ConsoleBundle } from './build.js';
import { readCookie } from './cookies.js';
import { shellPage, type ConsoleEntry } from './html-pages.js';
import { withSecurityHeaders } from './security-headers.js';
import type { SessionStore } from './session-store.js';
import { SESSION_COOKIE } from './types.js';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

export interface ConsolePagesOptions {
  readonly bundle: Promise<ConsoleBundle>;
  readonly sessions: SessionStore;
  readonly logger: Logger;
}

/**
 * The console's pages and assets: `/console/` (the app), `/console/graphiql`, and `GET
 * /graphql` from a browser (Accept: text/html) opens GraphiQL instead of Apollo's hosted
 * Sandbox (its landing page is disabled in server.ts). Without a session a page redirects to
 * the sign-in form. `/console/assets/*` serves only the files the build wrote.
 */
export function registerConsolePages(app: FastifyInstance, options: ConsolePagesOptions): void {
  const { sessions } = options;
  const page = (entry: ConsoleEntry) => async (request: FastifyRequest, reply: FastifyReply) => {
    withSecurityHeaders(reply).header('cache-control', 'no-store');
    if (!sessions.get(readCookie(request.headers.cookie, SESSION_COOKIE)))
      return reply.redirect(entry === 'graphiql' ? '/console/login?next=graphiql' : '/console/login', 303);
    return reply.type('text/html; charset=utf-8').send(shellPage(entry));
  };
  const consolePage = page('console');
  app.get('/console', async (_request, reply) => reply.redirect('/console/', 301));
  app.get('/console/', consolePage);
  app.get('/console/graphiql', page('graphiql'));

  // Before Apollo's GET handler: a browser asking /graphql for HTML gets GraphiQL.
  const graphiql = page('graphiql');
  app.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'GET' || request.url.split('?')[0] !== '/graphql') return undefined;
    const accept = request.headers.accept ?? '';
    if (!accept.includes('text/html')) return undefined;
    return graphiql(request, reply);
  });

  app.get('/console/assets/:file', async (request: FastifyRequest<{ Params: { file: string } }>, reply) => {
    withSecurityHeaders(reply);
    let bundle: ConsoleBundle;
    try {
      bundle = await options.bundle;
    } catch (error) {
      options.logger.error({ err: error }, 'the console bundle did not build');
      const code = ErrorCode.INTERNAL_SERVER_ERROR;
      return reply
        .code(httpStatusOf(code))
        .send({ error: { code, message: 'the console bundle did not build (see the gateway log)' } });
    }
    const { file } = request.params;
    const type = CONTENT_TYPES[extname(file)];
    if (!bundle.files.includes(file) || !type) return reply.callNotFound();
    return reply
      .type(type)
      .header('cache-control', 'no-cache')
      .header('etag', `"${bundle.builtAt}"`)
      .send(await readFile(join(bundle.dir, file)));
  });
}
