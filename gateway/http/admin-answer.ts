import { httpStatusOf, messageOf, type HttpErrorCode } from '../common/errors.js';

/**
 * What every admin function answers (`/admin/*`, `/catalog`, `/console/api/*`), for
 * `adminRoute` to send: a status and a JSON body. A refusal's body is `{ error: { code,
 * message } }`, the envelope the CLI (cli/admin-request.ts) and the console (web/api.ts) read.
 */
export interface AdminAnswer {
  readonly status: number;
  readonly body: unknown;
}

/** A 200 (or `status`) with `body`. */
export function answer(body: unknown, status = 200): AdminAnswer {
  return { status, body };
}

/** A refusal with the catalogue's status for `code`, and `message` (its default sentence unless given). */
export function refusal(code: HttpErrorCode, message: string = messageOf(code)): AdminAnswer {
  return { status: httpStatusOf(code), body: { error: { code, message } } };
}
