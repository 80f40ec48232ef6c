// Starts a throwaway Dovecot on a free loopback port, the way the transport's
// tests do: its own configuration, user, log and mail directory in a temporary
// folder. Needs root and Dovecot 2.3 (bash scripts/install-dovecot.sh).
import { spawn } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** @returns {Promise<number>} a port that was free a moment ago */
async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  await new Promise((resolve) => server.close(() => resolve(undefined)));
  if (typeof address !== 'object' || address === null) throw new Error('no free port');
  return address.port;
}

/** @param {number} port */
function accepts(port) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * @param {string} binary the dovecot executable
 * @returns {Promise<{ host: string, port: number, username: string, password: string, stop(): Promise<void> }>}
 */
export async function startLocalDovecot(binary = '/usr/sbin/dovecot') {
  const root = await mkdtemp(join(tmpdir(), 'mailroom-example-dovecot-'));
  await chmod(root, 0o755);
  await mkdir(join(root, 'mail'));
  // Dovecot refuses to store mail as uid 0; nobody (65534) owns the mail instead.
  await chown(join(root, 'mail'), 65534, 65534);
  await writeFile(join(root, 'passwd'), 'example:{PLAIN}example-password::::::\n');
  const port = await freePort();
  await writeFile(
    join(root, 'dovecot.conf'),
    `protocols = imap
listen = 127.0.0.1
base_dir = ${root}/run
state_dir = ${root}/state
log_path = ${root}/dovecot.log
ssl = no
disable_plaintext_auth = no
mail_location = maildir:${root}/mail/%u
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${root}/passwd
}
userdb {
  driver = static
  args = uid=65534 gid=65534 home=${root}/mail/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
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
`,
  );
  const child = spawn(binary, ['-F', '-c', join(root, 'dovecot.conf')], { stdio: 'ignore' });
  const exited = new Promise((resolve) => {
    child.once('exit', resolve);
    child.once('error', resolve); // no such binary: reported below as "did not start"
  });
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
    await rm(root, { recursive: true, force: true });
  };
  for (let attempt = 0; attempt < 200 && child.exitCode === null; attempt += 1) {
    if (await accepts(port)) return { host: '127.0.0.1', port, username: 'example', password: 'example-password', stop };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await stop();
  throw new Error(`Dovecot did not start on 127.0.0.1:${port}: it needs root and Dovecot 2.3 (bash scripts/install-dovecot.sh)`);
}
