import type { FastifyReply } from 'fastify';

/**
 * The console's Content-Security-Policy: every script, style, font and request from the
 * gateway's own origin, nothing inline, no third-party origin, no framing. GraphiQL 3 and
 * CodeMirror 5 style elements through the CSSOM (`element.style.x = …`), which CSP does not
 * govern, so `style-src` needs no 'unsafe-inline'; uPlot and cytoscape draw on canvases.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

/** The headers of every console page and asset. */
export function withSecurityHeaders(reply: FastifyReply): FastifyReply {
  return (
    reply
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('x-content-type-options', 'nosniff')
      // same-origin, not no-referrer: with no-referrer chromium sends `Origin: null` on the sign-in form's POST.
      .header('referrer-policy', 'same-origin')
      .header('x-frame-options', 'DENY')
      .header('cross-origin-opener-policy', 'same-origin')
  );
}
