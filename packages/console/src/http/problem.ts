import { MailError } from '@mailroom/core';

/** A field error in a problem's `errors`: the dotted key and what was wrong. */
export interface FieldError {
  field: string;
  message: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Not logged in',
  403: 'Forbidden',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  413: 'Body too large',
  415: 'Unsupported media type',
  429: 'Too many requests',
  500: 'Internal error',
  501: 'Not implemented',
};

/**
 * An API error, answered as `application/problem+json` (RFC 9457). Code `EAPI`.
 * @example throw new ApiProblem(404, 'No list red@lists.example.org');
 */
export class ApiProblem extends MailError {
  /** The HTTP status. */
  readonly status: number;
  readonly title: string;
  readonly errors?: FieldError[];
  /** Extra response headers (Retry-After, Allow). */
  readonly headers: Record<string, string>;

  constructor(status: number, detail: string, options: { errors?: FieldError[]; headers?: Record<string, string>; title?: string } = {}) {
    super('EAPI', detail);
    this.status = status;
    this.title = options.title ?? TITLES[status] ?? 'Error';
    if (options.errors) this.errors = options.errors;
    this.headers = options.headers ?? {};
  }
}

/** The problem document of an {@link ApiProblem}. */
export function problemBody(problem: ApiProblem, instance?: string): Record<string, unknown> {
  return {
    type: `https://mailroom.dev/problems/${problem.status}`,
    title: problem.title,
    status: problem.status,
    detail: problem.message,
    ...(instance !== undefined && { instance }),
    ...(problem.errors && { errors: problem.errors }),
  };
}
