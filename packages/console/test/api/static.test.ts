import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveAsset } from '../../src/index.js';
import { type ConsoleServer, consoleServer } from './support/console-server.js';
import { DOCUMENT } from './support/openapi-check.js';

let running: ConsoleServer;
beforeAll(async () => {
  running = await consoleServer();
});
afterAll(() => running?.stop());

/** A raw GET (fetch would normalise `..` away before sending). */
function rawGet(
  base: string,
  path: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const sent = request({ host: url.hostname, port: url.port, path, method: 'GET' }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    sent.on('error', reject);
    sent.end();
  });
}

describe('the static console: web/ at / and /assets/*, nothing outside it', () => {
  it('serves index.html at / with the CSP (no inline script) and the security headers', async () => {
    const page = await rawGet(running.base, '/');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toMatch(/^default-src 'self'; frame-src 'self'; object-src 'none'/);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.body).toMatch(/<html/i);
  });

  it.each([
    '/assets/../package.json',
    '/assets/..%2fpackage.json',
    '/assets/%2e%2e/package.json',
    '/assets/%2e%2e%2fpackage.json',
    '/assets/%2E%2E%2F%2E%2E%2Fopenapi.json',
    '/assets//etc/passwd',
    '/assets/%2fetc%2fpasswd',
    '/assets/..%5cpackage.json',
    '/assets/x%00.js',
    '/assets/',
  ])('answers 404 to %s', async (path) => {
    const answer = await rawGet(running.base, path);
    expect(answer.status).toBe(404);
    expect(answer.body).not.toContain('"name"');
    expect(answer.body).not.toContain('root:');
  });

  it('serves the OpenAPI document the package ships at /api/v1/openapi.json, without a login', async () => {
    const answer = await rawGet(running.base, '/api/v1/openapi.json');
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toEqual(DOCUMENT);
  });

  it('leaves a one-click unsubscribe link at / to the unsubscribe handler', async () => {
    const answer = await rawGet(running.base, '/?list=red%40lists.example.org&member=a%40example.com&token=abc');
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('Unsubscribe');
    expect(answer.headers['content-security-policy']).toMatch(/^default-src 'none'/);
  });
});

describe('resolveAsset: the containment check on its own', () => {
  let root: string;
  let outside: string;
  beforeAll(async () => {
    outside = await mkdtemp(join(tmpdir(), 'mailroom-web-'));
    root = join(outside, 'web');
    await mkdir(join(root, 'pages'), { recursive: true });
    await writeFile(join(root, 'index.html'), '<!doctype html>');
    await writeFile(join(root, 'pages', 'a.js'), 'export {}');
    await writeFile(join(outside, 'secret.txt'), 'secret');
    await symlink(join(outside, 'secret.txt'), join(root, 'link.txt'));
  });
  afterAll(() => rm(outside, { recursive: true, force: true }));

  it('finds files in the root and its folders', async () => {
    expect(await resolveAsset(root, '/')).toMatch(/index\.html$/);
    expect(await resolveAsset(root, '/assets/pages/a.js')).toMatch(/pages\/a\.js$/);
    expect(await resolveAsset(root, '/assets/pages%2Fa.js')).toMatch(/pages\/a\.js$/);
  });

  it.each([
    '/assets/../secret.txt',
    '/assets/%2e%2e/secret.txt',
    `/assets/${encodeURIComponent('/etc/passwd')}`,
    '/assets/link.txt',
    '/assets/pages',
    '/other',
  ])('refuses %s', async (path) => {
    await expect(resolveAsset(root, path)).rejects.toMatchObject({ status: 404 });
  });
});
