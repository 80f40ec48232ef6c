import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer, Socket } from 'node:net';
import { removeFolder, temporaryFolder } from '@mailroom/test-support';

/** A redis-server these tests started, on a loopback port with a throwaway directory. */
export interface TestRedis {
  readonly port: number;
  readonly url: string;
  /** Kills it (SIGKILL: nothing flushed beyond what the AOF already holds) and starts it again on the same port and directory. */
  restart(): Promise<void>;
  /** Stops it by PID and removes its directory. */
  stop(): Promise<void>;
}

/**
 * Whether redis-server is installed. Outside CI a missing binary skips (with a
 * line on stderr); under `CI=true` it is a failure, never a skip.
 * @throws {Error} under CI when redis-server is missing.
 */
export function redisAvailable(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI === 'true' || process.env.CI === '1') throw new Error('redis-server is missing: run scripts/install-redis.sh');
    process.stderr.write('SKIPPING BullMQ tests: redis-server is not installed (scripts/install-redis.sh)\n');
    return false;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function answers(port: number): Promise<boolean> {
  // An unauthenticated PING is answered -NOAUTH by a server with a password: it is up all the same.
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1', () => {
      socket.write('PING\r\n');
      socket.once('data', (data) => {
        socket.destroy();
        resolve(/^(\+PONG|-NOAUTH)/.test(data.toString()));
      });
    });
  });
}

async function untilAnswers(port: number): Promise<void> {
  for (let tries = 0; tries < 200; tries += 1) {
    if (await answers(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`redis-server on port ${port} did not answer within 5 s`);
}

/**
 * Starts `redis-server --port P --dir D --save ''` on a free loopback port.
 * @param durable - with an append-only file fsynced on every write, so a restart keeps every acknowledged job.
 */
export async function startRedis(durable = false, password?: string): Promise<TestRedis> {
  const dir = await temporaryFolder('redis');
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--daemonize', 'no', '--loglevel', 'warning'];
  if (durable) args.push('--appendonly', 'yes', '--appendfsync', 'always');
  if (password) args.push('--requirepass', password);
  let child: ChildProcess;
  const launch = async (): Promise<void> => {
    child = spawn('redis-server', args, { stdio: 'ignore' });
    await untilAnswers(port);
  };
  const kill = async (signal: NodeJS.Signals): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    if (child.pid !== undefined) process.kill(child.pid, signal);
    await exited;
  };
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    async restart() {
      await kill('SIGKILL');
      await launch();
    },
    async stop() {
      await kill('SIGTERM');
      await removeFolder(dir);
    },
  };
}
