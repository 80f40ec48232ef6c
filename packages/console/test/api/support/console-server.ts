import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListServer } from '@mailroom/list-server';
import { type ListStore, openStore } from '@mailroom/lists';
import { createTransport } from 'nodemailer';
import { addAccount, createToken } from '../../../src/index.js';
import { checkResponse } from './openapi-check.js';

/** One answer of the API, its body parsed and already checked against openapi.json. */
export interface Answer<Body = any> {
  status: number;
  headers: Headers;
  body: Body;
  text: string;
}

/** A client of the API: a cookie jar, the session's CSRF token, and every answer checked against openapi.json. */
export interface Client {
  request<Body = any>(
    method: string,
    path: string,
    options?: { json?: unknown; body?: string; type?: string; csrf?: boolean | string; token?: string },
  ): Promise<Answer<Body>>;
  login(username: string, password: string): Promise<Answer>;
  csrf: string | undefined;
  /** The `name=value` of the session cookie held, for a raw fetch. */
  cookie(): string | undefined;
}

/** A started `ListServer` with the console on 127.0.0.1: SQLite store, maildir transport, accounts file, all in a temporary folder. */
export interface ConsoleServer {
  server: ListServer;
  base: string;
  smtpPort: number;
  directory: string;
  maildir: string;
  accounts: string;
  store: ListStore;
  client(): Client;
  send(from: string, to: string, raw: string): Promise<unknown>;
  stop(): Promise<void>;
}

export const PASSWORD = 'correct horse battery';

/** Starts the server with three accounts: `admin` (operator), `olive` (owner of `owned`), `mo` (moderator of `moderated`). */
export async function consoleServer(
  options: { lists?: Record<string, unknown>[]; owned?: string[]; moderated?: string[]; extra?: Record<string, unknown> } = {},
): Promise<ConsoleServer & { adminToken: string }> {
  const directory = await mkdtemp(join(tmpdir(), 'mailroom-console-'));
  const accounts = join(directory, 'console-accounts.json');
  const maildir = join(directory, 'maildir');
  await addAccount(accounts, { name: 'admin', role: 'operator', password: PASSWORD });
  await addAccount(accounts, { name: 'olive', role: 'owner', lists: options.owned ?? ['red@lists.example.org'], password: PASSWORD });
  await addAccount(accounts, { name: 'mo', role: 'moderator', lists: options.moderated ?? ['red@lists.example.org'], password: PASSWORD });
  const adminToken = await createToken(accounts, 'admin');
  const server = new ListServer({
    store: `sqlite:${join(directory, 'mailroom.db')}`,
    spool: join(directory, 'spool'),
    'server.hostname': 'lists.example.org',
    'server.smtp.port': 0,
    'server.http.port': 0,
    'server.console.enabled': true,
    'server.console.accounts': accounts,
    'pipeline.interval': 0.2,
    'log.level': 'silent',
    lists: options.lists ?? [],
    'transport.use': 'maildir',
    'transport.directory': maildir,
    'transport.create': true,
    ...options.extra,
  });
  const ports = await server.start();
  const base = `http://127.0.0.1:${ports.http}`;
  const store = await openStore(server.settings.store);
  const mail = createTransport({ host: '127.0.0.1', port: ports.smtp, secure: false, ignoreTLS: true });
  const client = (): Client => {
    let cookie: string | undefined;
    const self: Client = {
      csrf: undefined,
      cookie: () => cookie,
      async request(method, path, given = {}) {
        const headers: Record<string, string> = {};
        if (cookie) headers.cookie = cookie;
        if (given.token) headers.authorization = `Bearer ${given.token}`;
        const csrf = given.csrf === undefined ? true : given.csrf;
        if (csrf === true && self.csrf && method !== 'GET') headers['x-csrf-token'] = self.csrf;
        if (typeof csrf === 'string') headers['x-csrf-token'] = csrf;
        let body: string | undefined;
        if (given.json !== undefined) {
          headers['content-type'] = 'application/json';
          body = JSON.stringify(given.json);
        } else if (given.body !== undefined) {
          headers['content-type'] = given.type ?? 'text/csv';
          body = given.body;
        }
        const response = await fetch(`${base}/api/v1${path}`, { method, headers, ...(body !== undefined && { body }) });
        const setCookie = response.headers.get('set-cookie');
        if (setCookie) cookie = setCookie.split(';')[0];
        const text = await response.text();
        const type = response.headers.get('content-type') ?? '';
        const parsed = type.includes('json') && text !== '' ? JSON.parse(text) : text;
        checkResponse(method, path.split('?')[0] as string, response.status, type, parsed);
        return { status: response.status, headers: response.headers, body: parsed, text };
      },
      async login(username, password) {
        const answer = await self.request('POST', '/session', { json: { username, password } });
        if (answer.status === 200) self.csrf = answer.body.csrfToken;
        return answer;
      },
    };
    return self;
  };
  return {
    server,
    base,
    smtpPort: ports.smtp,
    directory,
    maildir,
    accounts,
    store,
    adminToken,
    client,
    send: (from, to, raw) => mail.sendMail({ envelope: { from, to: [to] }, raw }),
    async stop() {
      mail.close();
      await store.close();
      await server.stop();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
