// Scale-out benchmark of @mailroom/manager-bullmq: 1, 2 and 4 `mailroom worker`
// processes, each with 10 concurrent deliveries to the mock transport at 50 ms
// latency, deliver 8,000 messages from one producer (wait: 'delivered'); and
// the enqueue rate of a producer alone (wait: 'queued', no worker running).
// Latency-bound work should scale almost linearly with workers.
// Starts its own redis-server on a free loopback port with a throwaway
// directory and stops it by PID. Prints a last JSON line:
// {"bench":"bullmq","messagesPerSecond":{"1":X,"2":Y,"4":Z},"enqueuePerSecond":E}
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Mailer, Message } from '@mailroom/core';

const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 8000);
const WORKER_COUNTS = [1, 2, 4];
const CONCURRENCY = 10;
const LATENCY = 50;
const CLI = fileURLToPath(new URL('../packages/cli/dist/bin.js', import.meta.url));

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function pong(port) {
  return new Promise((resolve) => {
    const socket = new Socket();
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1', () => {
      socket.write('PING\r\n');
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString().startsWith('+PONG'));
      });
    });
  });
}

async function startRedis(dir) {
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--loglevel', 'warning'],
    {
      stdio: 'ignore',
    },
  );
  for (let tries = 0; !(await pong(port)); tries += 1) {
    if (tries > 200) throw new Error('redis-server did not start');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return { port, child };
}

function startWorker(configPath) {
  const child = spawn(process.execPath, [CLI, 'worker', '--config', configPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (out.includes('"worker":"ready"')) resolve({ child, exited });
    });
    child.once('exit', (code) => reject(new Error(`worker exited with ${code} before it was ready`)));
  });
}

function messages(run) {
  return Array.from(
    { length: MESSAGES },
    (_, index) =>
      new Message({
        author: 'bench@example.org',
        to: `user${index}@example.org`,
        subject: `bench ${index}`,
        plain: 'x',
        id: `${run}.${index}@bench.example.org`,
      }),
  );
}

async function feed(mailer, list) {
  const results = [];
  for (const message of list) results.push((await mailer.submit(message)).result);
  await Promise.all(results);
}

async function deliveryRate(folder, port, workers) {
  const run = `w${workers}-${Date.now()}`;
  const config = {
    manager: { use: 'bullmq', redis: `redis://127.0.0.1:${port}`, queue: run, concurrency: CONCURRENCY, pending: MESSAGES },
    transport: { use: 'mock', latency: LATENCY, outbox: false },
  };
  const path = join(folder, `${run}.json`);
  await writeFile(path, JSON.stringify(config));
  const started = await Promise.all(Array.from({ length: workers }, () => startWorker(path)));
  const list = messages(run);
  const mailer = await new Mailer(config).start();
  const begin = performance.now();
  await feed(mailer, list);
  const seconds = (performance.now() - begin) / 1000;
  await mailer.stop();
  for (const worker of started) worker.child.kill('SIGTERM');
  await Promise.all(started.map((worker) => worker.exited));
  return MESSAGES / seconds;
}

async function enqueueRate(port) {
  const run = `enqueue-${Date.now()}`;
  const config = { manager: { use: 'bullmq', redis: `redis://127.0.0.1:${port}`, queue: run, wait: 'queued' }, transport: 'mock' };
  const list = messages(run);
  const mailer = await new Mailer(config).start();
  const begin = performance.now();
  await feed(mailer, list);
  const seconds = (performance.now() - begin) / 1000;
  await mailer.stop();
  return MESSAGES / seconds;
}

const folder = await mkdtemp(join(tmpdir(), 'mailroom-bench-bullmq-'));
const redis = await startRedis(folder);
try {
  console.log(
    `${MESSAGES} messages; mock transport ${LATENCY} ms; ${CONCURRENCY} concurrent deliveries per worker; redis on ${redis.port}`,
  );
  const perSecond = {};
  for (const workers of WORKER_COUNTS) {
    perSecond[workers] = Math.round(await deliveryRate(folder, redis.port, workers));
    console.log(
      `${workers} worker${workers === 1 ? '' : 's'}: ${perSecond[workers]} messages/s (ideal ${(workers * CONCURRENCY * 1000) / LATENCY})`,
    );
  }
  const enqueue = Math.round(await enqueueRate(redis.port));
  console.log(`enqueue alone: ${enqueue} messages/s`);
  console.log(`scaling: 2 workers ${(perSecond[2] / perSecond[1]).toFixed(2)}x, 4 workers ${(perSecond[4] / perSecond[1]).toFixed(2)}x`);
  console.log(JSON.stringify({ bench: 'bullmq', messagesPerSecond: perSecond, enqueuePerSecond: enqueue }));
} finally {
  redis.child.kill('SIGTERM');
  await new Promise((resolve) => redis.child.once('exit', resolve));
  await rm(folder, { recursive: true, force: true });
}
