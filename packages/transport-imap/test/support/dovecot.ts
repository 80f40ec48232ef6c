import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { chmod, chown, mkdir, readFile, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { removeFolder, temporaryFolder } from '@mailroom/test-support';
import { ImapFlow } from 'imapflow';

/** The unprivileged user the mail belongs to: Dovecot refuses a userdb that answers uid 0. */
const MAIL_UID = 65534;
const USERNAME = 'tester';
const PASSWORD = 'tester-secret';
/** Messages larger than this are refused by the quota plugin, to test MessageFailed. */
export const MAX_MAIL_SIZE = 1024 * 1024;

/** One message as IMAP FETCH returned it. */
export interface FetchedMessage {
  folder: string;
  uid: number;
  flags: string[];
  source: Buffer;
}

/** A Dovecot started for a test, with a throwaway configuration, user and mail directory. */
export interface DovecotServer {
  readonly host: string;
  /** The clear-text IMAP port (STARTTLS offered when started with `ssl`). */
  readonly port: number;
  /** The IMAPS port, when started with `ssl`. */
  readonly sslPort?: number;
  /** The self-signed certificate (PEM path) the server presents, when started with `ssl`. */
  readonly certificate?: string;
  readonly username: string;
  readonly password: string;
  /** Stops the server and waits for it to exit. */
  stop(): Promise<void>;
  /** Starts it again on the same ports, keeping the mail. */
  start(): Promise<void>;
  /** Every message in every folder, read with IMAP FETCH (BODY.PEEK[] and FLAGS). */
  readBack(folder?: string): Promise<FetchedMessage[]>;
  /** The folders that exist. */
  folders(): Promise<string[]>;
  /** Deletes every message and every folder but INBOX. */
  clear(): Promise<void>;
  /** Stops the server and deletes its directory. */
  dispose(): Promise<void>;
}

/** A port that was free a moment ago (bound to port 0, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

function configuration(root: string, port: number, sslPort: number | undefined): string {
  return `# Throwaway configuration for @mailroom/transport-imap's tests (Dovecot 2.3).
protocols = imap
listen = 127.0.0.1
base_dir = ${root}/run
state_dir = ${root}/state
log_path = ${root}/dovecot.log
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
mail_location = maildir:${root}/mail/%u
mail_max_userip_connections = 200
# A test server: no fsync per message, and no growing delay after the failed logins the tests make on purpose.
mail_fsync = never
mail_plugins = quota
plugin {
  quota = count:User quota
  quota_vsizes = yes
  quota_max_mail_size = ${MAX_MAIL_SIZE}
}
${sslPort === undefined ? 'ssl = no' : `ssl = yes\nssl_cert = <${root}/cert.pem\nssl_key = <${root}/key.pem`}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${root}/passwd
}
userdb {
  driver = static
  args = uid=${MAIL_UID} gid=${MAIL_UID} home=${root}/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    address = 127.0.0.1
    port = ${sslPort ?? 0}
  }
}
service anvil {
  unix_listener anvil-auth-penalty {
    mode = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
  inet_listener pop3s {
    port = 0
  }
}
`;
}

async function makeCertificate(root: string): Promise<void> {
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    '-keyout',
    join(root, 'key.pem'),
    '-out',
    join(root, 'cert.pem'),
  ]);
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Resolves when `child` exits, or at once when it already has. */
function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function withClient<T>(server: DovecotServer, work: (client: ImapFlow) => Promise<T>): Promise<T> {
  const client = new ImapFlow({
    host: server.host,
    port: server.port,
    secure: false,
    doSTARTTLS: false,
    auth: { user: server.username, pass: server.password },
    logger: false,
    disableAutoIdle: true,
  });
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.logout().catch(() => client.close());
  }
}

/**
 * Starts `dovecot -F -c <config>` as a child process on free loopback ports,
 * as root with a throwaway base_dir, log, passwd-file and mail directory,
 * and waits until it accepts connections.
 */
export async function startDovecot(binary: string, options: { ssl?: boolean } = {}): Promise<DovecotServer> {
  const root = await temporaryFolder('dovecot');
  // Dovecot's unprivileged processes must reach the mail directory below the root.
  await chmod(root, 0o755);
  await mkdir(join(root, 'mail'));
  await chown(join(root, 'mail'), MAIL_UID, MAIL_UID);
  await writeFile(join(root, 'passwd'), `${USERNAME}:{PLAIN}${PASSWORD}::::::\n`);
  if (options.ssl) await makeCertificate(root);
  const port = await freePort();
  const sslPort = options.ssl ? await freePort() : undefined;
  const configFile = join(root, 'dovecot.conf');
  await writeFile(configFile, configuration(root, port, sslPort));
  let child: ChildProcess | undefined;

  const log = () => readFile(join(root, 'dovecot.log'), 'utf8').catch(() => '');

  async function start(): Promise<void> {
    if (child) return;
    const started = spawn(binary, ['-F', '-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    started.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child = started;
    for (let attempt = 0; attempt < 200; attempt += 1) {
      if (started.exitCode !== null || started.signalCode !== null) break;
      if ((await accepts('127.0.0.1', port)) && (sslPort === undefined || (await accepts('127.0.0.1', sslPort)))) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    child = undefined;
    started.kill('SIGKILL');
    throw new Error(`dovecot did not start on 127.0.0.1:${port}: ${stderr}${await log()}`);
  }

  async function stop(): Promise<void> {
    const running = child;
    child = undefined;
    if (!running) return;
    running.kill('SIGTERM');
    const timer = setTimeout(() => running.kill('SIGKILL'), 10_000);
    await exited(running);
    clearTimeout(timer);
  }

  const server: DovecotServer = {
    host: '127.0.0.1',
    port,
    ...(sslPort === undefined ? {} : { sslPort, certificate: join(root, 'cert.pem') }),
    username: USERNAME,
    password: PASSWORD,
    stop,
    start,
    async folders() {
      return withClient(server, async (client) => (await client.list()).map((folder) => folder.path).sort());
    },
    async readBack(only?: string) {
      return withClient(server, async (client) => {
        const messages: FetchedMessage[] = [];
        const folders = only ? [only] : (await client.list()).map((folder) => folder.path).sort();
        for (const folder of folders) {
          const mailbox = await client.mailboxOpen(folder, { readOnly: true });
          if (mailbox.exists === 0) continue;
          for await (const fetched of client.fetch('1:*', { uid: true, flags: true, source: true })) {
            messages.push({
              folder,
              uid: fetched.uid,
              flags: [...(fetched.flags ?? [])].sort(),
              source: fetched.source ?? Buffer.alloc(0),
            });
          }
        }
        return messages;
      });
    },
    async clear() {
      await withClient(server, async (client) => {
        // Children before parents: Maildir++ keeps `A.B` beside `A`.
        const folders = (await client.list()).sort((left, right) => right.path.localeCompare(left.path));
        for (const folder of folders) {
          if (folder.path.toUpperCase() !== 'INBOX') {
            // A parent that exists only as part of its children's names goes with the last child.
            await client.mailboxDelete(folder.path).catch((error: { serverResponseCode?: string }) => {
              if (error.serverResponseCode !== 'NONEXISTENT') throw error;
            });
            continue;
          }
          const mailbox = await client.mailboxOpen(folder.path);
          if (mailbox.exists > 0) await client.messageDelete('1:*');
          await client.mailboxClose();
        }
      });
    },
    async dispose() {
      await stop();
      await removeFolder(root);
    },
  };
  try {
    await start();
  } catch (error) {
    await removeFolder(root);
    throw error;
  }
  return server;
}
