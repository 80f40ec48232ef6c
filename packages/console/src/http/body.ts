import type { IncomingMessage } from 'node:http';
import { ApiProblem } from './problem.js';

/** The largest JSON body read, in bytes. */
export const MAX_JSON_BODY = 64 * 1024;

/**
 * Reads a request body up to `limit` bytes.
 * @throws {ApiProblem} 413 past the limit (the rest is not read).
 */
export function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(new ApiProblem(413, `The body is larger than ${limit} bytes`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    request.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > limit) {
        request.removeAllListeners('data');
        request.resume();
        reject(new ApiProblem(413, `The body is larger than ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** The media type of a request, lower-cased without parameters. */
export function mediaType(request: IncomingMessage): string {
  return (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/**
 * Reads a JSON object body (`application/json`, at most {@link MAX_JSON_BODY} bytes).
 * @throws {ApiProblem} 415 for another media type, 400 for bad JSON or a non-object, 413 when too large.
 */
export async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  if (mediaType(request) !== 'application/json') throw new ApiProblem(415, 'Send the body as application/json');
  const raw = await readBody(request, MAX_JSON_BODY);
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw new ApiProblem(400, 'The body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new ApiProblem(400, 'The body must be a JSON object');
  return parsed as Record<string, unknown>;
}
