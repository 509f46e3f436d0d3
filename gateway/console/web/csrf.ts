import type { ConsoleSessionView } from '../server/types.js';

/** The header the server checks on every request that uses the session cookie. */
export const CSRF_HEADER = 'x-meshgate-csrf';

/**
 * The signed-in session, read once per page: the server keeps the token, the browser holds
 * only the HttpOnly cookie (no token in localStorage or the URL) and this CSRF token, in memory.
 */
export async function loadSession(): Promise<ConsoleSessionView | null> {
  const response = await fetch('/console/api/session', { credentials: 'same-origin' });
  if (response.status === 401) return null;
  if (!response.ok) throw new Error(`session: HTTP ${response.status}`);
  return (await response.json()) as ConsoleSessionView;
}

export function signIn(next?: string): void {
  window.location.assign(next ? `/console/login?next=${encodeURIComponent(next)}` : '/console/login');
}
