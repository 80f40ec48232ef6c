import type { IncomingMessage, ServerResponse } from 'node:http';

/** Answers in plain text, never caching. */
export function answer(response: ServerResponse, status: number, text: string, extra: Record<string, string> = {}): void {
  response.writeHead(status, {
    'content-type': 'text/plain; charset=utf-8',
    'cache-control': 'no-store',
    'content-length': Buffer.byteLength(text),
    ...extra,
  });
  response.end(text);
}

/**
 * Reads a request body up to `maxBytes`. @returns the bytes, or undefined when the body is
 * larger (the rest is read and dropped, so the connection can answer 413).
 */
export function readBounded(request: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    request.resume();
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    request.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length <= maxBytes) chunks.push(chunk);
    });
    request.on('end', () => resolve(length > maxBytes ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}
