import { MailConfigurationError, MailError } from '@mailroom/core';
import { ApiProblem } from '../http/problem.js';

const NOT_FOUND = new Set(['ENOLIST', 'ENOMEMBER', 'ENOHELD', 'ENOPOST']);

/**
 * The problem an error is answered with: an {@link ApiProblem} as it is, a configuration error
 * 400 naming its key, a "no such" error 404, an existing list 409; anything else 500 with
 * no detail (the message may hold what a user should not see; it goes to the log).
 */
export function toProblem(error: unknown): { problem: ApiProblem; unexpected: boolean } {
  if (error instanceof ApiProblem) return { problem: error, unexpected: false };
  if (MailConfigurationError.isInstance(error)) {
    return {
      problem: new ApiProblem(400, error.message, { errors: [{ field: error.key, message: error.message }] }),
      unexpected: false,
    };
  }
  if (MailError.isMailError(error)) {
    if (NOT_FOUND.has(error.code)) return { problem: new ApiProblem(404, error.message), unexpected: false };
    if (error.code === 'ELISTEXISTS') return { problem: new ApiProblem(409, error.message), unexpected: false };
    if (error.code === 'ECSV') return { problem: new ApiProblem(400, error.message), unexpected: false };
  }
  return { problem: new ApiProblem(500, 'The server could not do this; the log says why'), unexpected: true };
}
