import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiProblem } from './problem.js';
import { PAGE_CSP, SECURITY_HEADERS } from './respond.js';

/** The console's static files: `web/` of this package (from `src/http/` or `dist/http/`). */
export const WEB_ROOT = fileURLToPath(new URL('../../web/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The file a console path names, inside `root` only: `/` is `index.html`, `/assets/X` is `X`.
 * Percent-decoding happens once, before the check; `..`, a NUL, a backslash or an absolute
 * path inside the name, and a symbolic link out of `root`, all answer 404.
 * @throws {ApiProblem} 404.
 */
export async function resolveAsset(root: string, path: string): Promise<string> {
  const notFound = new ApiProblem(404, 'No such file');
  let name: string;
  if (path === '/' || path === '/index.html') name = 'index.html';
  else if (path.startsWith('/assets/')) {
    try {
      name = decodeURIComponent(path.slice('/assets/'.length));
    } catch {
      throw notFound;
    }
  } else throw notFound;
  if (
    name === '' ||
    name.includes('\0') ||
    name.includes('\\') ||
    name.startsWith('/') ||
    name.split('/').some((part) => part === '..' || part === '.' || part === '')
  ) {
    throw notFound;
  }
  const base = await realpath(root).catch(() => {
    throw notFound;
  });
  const file = resolve(base, name);
  if (!file.startsWith(base + sep)) throw notFound;
  const real = await realpath(file).catch(() => {
    throw notFound;
  });
  if (!real.startsWith(base + sep)) throw notFound;
  const info = await stat(real);
  if (!info.isFile()) throw notFound;
  return real;
}

/** Serves a file of the console (GET or HEAD), with the page CSP and security headers. @throws {ApiProblem} 404 or 405. */
export async function serveAsset(root: string, request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
  if (request.method !== 'GET' && request.method !== 'HEAD') throw new ApiProblem(405, 'Use GET', { headers: { allow: 'GET, HEAD' } });
  const file = await resolveAsset(root, path);
  const info = await stat(file);
  response.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-security-policy': PAGE_CSP,
    'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'content-length': String(info.size),
    // No hashed file names: revalidate every time, so an upgrade is seen at once.
    'cache-control': 'no-cache',
    'last-modified': info.mtime.toUTCString(),
  });
  if (request.method === 'HEAD') {
    response.end();
    return;
  }
  await new Promise<void>((done, fail) => {
    const stream = createReadStream(file);
    stream.on('error', fail);
    stream.on('end', done);
    stream.pipe(response);
  });
}
