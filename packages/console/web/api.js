// The JSON API client: same-origin cookie session, X-CSRF-Token on every state change,
// RFC 9457 problem documents turned into ApiError.

let csrfToken = '';

/** Remembers the CSRF token of the session (sent on every non-GET request). */
export function setCsrfToken(token) {
  csrfToken = token ?? '';
}

/** An API error: the HTTP status and the problem document (title, detail, errors). */
export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    super(problem.detail || problem.title || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
    this.retryAfter = retryAfter;
  }

  /** Field errors as text lines (`name: message`). */
  fieldMessages() {
    const errors = this.problem.errors;
    if (!Array.isArray(errors)) return [];
    return errors.map((error) =>
      typeof error === 'string'
        ? error
        : [error.field ?? error.pointer ?? error.name, error.message ?? error.detail].filter(Boolean).join(': '),
    );
  }
}

/** Encodes one path segment (a list address, a member address, an id). */
export const segment = (value) => encodeURIComponent(value);

/**
 * Calls `/api/v1${path}`. `body` is sent as JSON, or as it is with `contentType` (CSV).
 * Resolves with the parsed JSON (undefined for 204). A 401 on anything but the session
 * fires `mailroom:unauthorized` on window (the app goes to the login page).
 * @throws {ApiError} for any non-2xx answer.
 */
export async function api(method, path, body, contentType) {
  const headers = { accept: 'application/json, application/problem+json' };
  if (method !== 'GET' && method !== 'HEAD') headers['x-csrf-token'] = csrfToken;
  const init = { method, headers, credentials: 'same-origin' };
  if (body !== undefined) {
    headers['content-type'] = contentType ?? 'application/json';
    init.body = contentType ? body : JSON.stringify(body);
  }
  const response = await fetch(`/api/v1${path}`, init);
  if (!response.ok) {
    let problem;
    try {
      problem = await response.json();
    } catch {
      problem = { title: response.statusText || `HTTP ${response.status}` };
    }
    if (response.status === 401 && path !== '/session') window.dispatchEvent(new Event('mailroom:unauthorized'));
    throw new ApiError(response.status, problem, response.headers.get('retry-after'));
  }
  if (response.status === 204) return undefined;
  const type = response.headers.get('content-type') ?? '';
  return type.includes('json') ? response.json() : response.text();
}
