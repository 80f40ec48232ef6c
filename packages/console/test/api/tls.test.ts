import { readFileSync } from 'node:fs';
import { request } from 'node:https';
import { tlsFixture } from '@mailroom/test-support';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkResponse } from './support/openapi-check.js';
import { type ConsoleServer, consoleServer, PASSWORD } from './support/console-server.js';

let running: ConsoleServer;
beforeAll(async () => {
  running = await consoleServer({
    extra: { 'server.http.tls.cert': tlsFixture('server-cert.pem'), 'server.http.tls.key': tlsFixture('server-key.pem') },
  });
});
afterAll(() => running?.stop());

/** A POST over HTTPS that verifies the server against the fixtures' CA. */
function post(port: number, path: string, body: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const sent = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        ca: readFileSync(tlsFixture('ca.pem')),
        headers: { 'content-type': 'application/json' },
      },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => {
          text += chunk.toString();
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
      },
    );
    sent.on('error', reject);
    sent.end(body);
  });
}

describe('the console over HTTPS (server.http.tls)', () => {
  it('serves the API over TLS and marks the session cookie Secure', async () => {
    const port = Number(new URL(running.base).port);
    const login = await post(port, '/api/v1/session', JSON.stringify({ username: 'admin', password: PASSWORD }));
    expect(login.status).toBe(200);
    checkResponse('POST', '/session', login.status, String(login.headers['content-type']), JSON.parse(login.body));
    expect(String(login.headers['set-cookie'])).toMatch(/; HttpOnly; SameSite=Strict; Path=\/; Max-Age=3600; Secure$/);
  });

  it('refuses plain HTTP on that port', async () => {
    await expect(fetch(`${running.base}/api/v1/session`)).rejects.toThrow();
  });
});
