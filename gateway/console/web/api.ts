import { CSRF_HEADER } from './csrf.js';

/** A refusal from the gateway: its HTTP status and the catalogue's code. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

let csrfToken = '';

/** Set once the session is read: every request on the session cookie carries it. */
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/**
 * Same-origin JSON requests on the session cookie, with the CSRF header (the server ignores
 * the cookie without it, and refuses a POST). Errors come back as `ApiError` with the code.
 */
export async function api<T>(path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method: body === undefined ? 'GET' : 'POST',
    credentials: 'same-origin',
    headers: {
      [CSRF_HEADER]: csrfToken,
      accept: 'application/json',
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    body: body === undefined ? null : JSON.stringify(body),
  });
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    const error = (json as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(
      response.status,
      error?.code ?? `HTTP_${response.status}`,
      error?.message ?? response.statusText,
    );
  }
  return json as T;
}
