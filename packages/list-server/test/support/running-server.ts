import { join } from 'node:path';
import { type ListStore, openStore } from '@mailroom/lists';
import { createMock, type MockDefinition } from '@mailroom/transport-mock';
import { createTransport } from 'nodemailer';
import { ListServer } from '../../src/list-server.js';
import { temporaryDirectory } from './fixtures.js';

/** A started ListServer on loopback (SQLite store, mock transport), a second store handle and a sender. */
export interface RunningServer {
  server: ListServer;
  store: ListStore;
  mock: MockDefinition;
  directory: string;
  /** The HTTP port (0 when `server.http.enabled` is false, the default here). */
  http: number;
  /** Sends raw mail over SMTP with this envelope. */
  send(from: string, to: string, raw: string): Promise<unknown>;
  stop(): Promise<void>;
}

/** Starts a server with `lists` (as configured) and extra configuration keys. */
export async function runningServer(
  lists: Record<string, unknown>[],
  extra: Record<string, unknown> = {},
  now?: () => Date,
): Promise<RunningServer> {
  const directory = await temporaryDirectory();
  const mock = createMock();
  const server = new ListServer(
    {
      store: `sqlite:${join(directory.path, 'mailroom.db')}`,
      spool: join(directory.path, 'spool'),
      'server.hostname': 'lists.example.org',
      'server.smtp.port': 0,
      'server.http.enabled': false,
      'log.level': 'silent',
      lists,
      'transport.use': mock,
      ...extra,
    },
    now ? { now } : {},
  );
  const { smtp, http } = await server.start();
  const store = await openStore(server.settings.store);
  const transport = createTransport({ host: '127.0.0.1', port: smtp, secure: false, ignoreTLS: true });
  return {
    server,
    store,
    mock,
    directory: directory.path,
    http,
    send: (from, to, raw) => transport.sendMail({ envelope: { from, to: [to] }, raw }),
    async stop() {
      transport.close();
      await store.close();
      await server.stop();
      await directory.cleanup();
    },
  };
}
