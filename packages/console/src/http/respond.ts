import type { ServerResponse } from 'node:http';
import { type ApiProblem, problemBody } from './problem.js';

/** Headers every console response carries. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'SAMEORIGIN',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

/** The console pages' policy: our own scripts and styles only, frames only from us (the sandboxed held post). */
export const PAGE_CSP =
  "default-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'";

/** The API's policy: JSON is never a page. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** Writes a JSON answer (no caching: it may hold members' addresses). */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-security-policy': API_CSP,
    'cache-control': 'no-store',
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  response.end(text);
}

/** Writes an empty answer (204). */
export function sendEmpty(response: ServerResponse, headers: Record<string, string | string[]> = {}): void {
  response.writeHead(204, { ...SECURITY_HEADERS, 'content-security-policy': API_CSP, 'cache-control': 'no-store', ...headers });
  response.end();
}

/** Writes a problem+json answer. */
export function sendProblem(response: ServerResponse, problem: ApiProblem, instance?: string): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  const text = JSON.stringify(problemBody(problem, instance));
  response.writeHead(problem.status, {
    ...SECURITY_HEADERS,
    'content-security-policy': API_CSP,
    'cache-control': 'no-store',
    'content-type': 'application/problem+json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...problem.headers,
  });
  response.end(text);
}
