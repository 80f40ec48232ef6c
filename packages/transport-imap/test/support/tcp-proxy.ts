import { connect, createServer, type Server, type Socket } from 'node:net';

/** A loopback TCP proxy in front of a server, able to cut every connection at will. */
export interface TcpProxy {
  readonly port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Destroys every open connection (both sides), as a dropped network would. */
  cut(): void;
  /** Cuts connections as soon as the client sends data matching `pattern` (once), before it reaches the server. */
  cutOn(pattern: RegExp): Promise<void>;
  close(): Promise<void>;
}

/** Starts a proxy on a free loopback port that forwards to `host:port`. */
export async function startProxy(host: string, port: number): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  let trigger: { pattern: RegExp; fired: () => void } | undefined;
  let connections = 0;

  const cut = () => {
    for (const socket of sockets) socket.destroy();
    sockets.clear();
  };

  const server: Server = createServer((client) => {
    connections += 1;
    const upstream = connect({ host, port });
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.on('close', () => sockets.delete(socket));
    }
    client.on('data', (chunk: Buffer) => {
      if (trigger?.pattern.test(chunk.toString('latin1'))) {
        const { fired } = trigger;
        trigger = undefined;
        cut();
        fired();
        return;
      }
      upstream.write(chunk);
    });
    upstream.pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no port');

  return {
    port: address.port,
    get connections() {
      return connections;
    },
    cut,
    cutOn(pattern) {
      return new Promise((resolve) => {
        trigger = { pattern, fired: resolve };
      });
    },
    async close() {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A server that accepts connections and never says a word: a host that is up but not answering IMAP. */
export async function startSilentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return {
    port: address.port,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
