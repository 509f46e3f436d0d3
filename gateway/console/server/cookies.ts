/**
 * The few cookie operations the console needs (RFC 6265): read one cookie from the `Cookie`
 * header, and write `Set-Cookie` with the attributes a session cookie must have.
 */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export interface CookieAttributes {
  /** Seconds; 0 deletes the cookie. */
  readonly maxAgeSeconds: number;
  /** Secure: sent over HTTPS only. Off for plain-http development on 127.0.0.1. */
  readonly secure: boolean;
  readonly path?: string;
  /**
   * Strict unless said otherwise. Lax only for the single sign-on flow's cookie, which must
   * come back on the provider's top-level redirect to /console/callback (a cross-site GET).
   */
  readonly sameSite?: 'Strict' | 'Lax';
}

/** HttpOnly (no script reads it) and SameSite=Strict (no other site's page sends it), by default. */
export function sessionCookie(name: string, value: string, attributes: CookieAttributes): string {
  return [
    `${name}=${encodeURIComponent(value)}`,
    `Path=${attributes.path ?? '/'}`,
    `Max-Age=${Math.max(0, Math.floor(attributes.maxAgeSeconds))}`,
    'HttpOnly',
    `SameSite=${attributes.sameSite ?? 'Strict'}`,
    ...(attributes.secure ? ['Secure'] : []),
  ].join('; ');
}
