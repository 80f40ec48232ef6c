// Times each built-in manager delivering N messages to the mock transport
// (latency 0), side by side in one process with bare p-queue calling the same
// mock `deliver`. Both sides build each message's MIME once per send, as every
// transport that sends needs it (the managers do it in core before the
// transport; the bare side calls `message.toBuffer()` before `deliver`), so the
// ratio is the managers' own overhead, not the MIME composer's. Both sides feed messages with backpressure (a producer that
// waits while the queue is full), as a real producer of many messages would.
// Prints the median of several rounds and, last, one JSON line of ratios
// (ours / bare p-queue; higher is better, 1.0 = as fast as bare p-queue).
import { Mailer, Message, silentLogger } from '@mailroom/core';
import mock from '@mailroom/transport-mock';
import PQueue from 'p-queue';

const TOTAL = Number(process.env.BENCH_MESSAGES ?? 200_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const WORKERS = 10;
const QUEUE = 10_000;

const pool = Array.from(
  { length: 1000 },
  (_, index) => new Message({ author: 'bench@example.org', to: `user${index}@example.org`, subject: `bench ${index}`, plain: 'x' }),
);
const transportSection = { use: mock, latency: 0, outbox: false };

async function bare() {
  const options = mock.parseOptions({ latency: 0, outbox: false });
  const transports = Array.from({ length: WORKERS }, () => mock.create(options, { logger: silentLogger }));
  await Promise.all(transports.map((transport) => transport.startup()));
  const free = [...transports];
  const queue = new PQueue({ concurrency: WORKERS });
  const started = performance.now();
  let delivered = 0;
  for (let index = 0; index < TOTAL; index += 1) {
    if (queue.size >= QUEUE) await queue.onSizeLessThan(QUEUE);
    const message = pool[index % pool.length];
    void queue.add(async () => {
      const transport = free.pop();
      try {
        await message.toBuffer();
        await transport.deliver(message);
        delivered += 1;
      } finally {
        free.push(transport);
      }
    });
  }
  await queue.onIdle();
  const seconds = (performance.now() - started) / 1000;
  if (delivered !== TOTAL) throw new Error(`bare p-queue delivered ${delivered} of ${TOTAL}`);
  return TOTAL / seconds;
}

async function ours(manager) {
  const managerSection = manager === 'immediate' ? { use: manager } : { use: manager, workers: WORKERS, queue: QUEUE };
  if (manager === 'dynamic') managerSection.divisor = 1000;
  const mailer = await new Mailer({ manager: managerSection, transport: transportSection }).start();
  const started = performance.now();
  let delivered = 0;
  const count = () => {
    delivered += 1;
  };
  if (manager === 'immediate') {
    // Immediate delivers in the caller's call: one at a time, as documented.
    for (let index = 0; index < TOTAL; index += 1) {
      await mailer.send(pool[index % pool.length]);
      delivered += 1;
    }
  } else {
    for (let index = 0; index < TOTAL; index += 1) {
      const { result } = await mailer.submit(pool[index % pool.length]);
      result.then(count);
    }
  }
  await mailer.stop();
  const seconds = (performance.now() - started) / 1000;
  if (delivered !== TOTAL) throw new Error(`${manager} delivered ${delivered} of ${TOTAL}`);
  return TOTAL / seconds;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const names = ['immediate', 'futures', 'dynamic'];
const samples = { bare: [], immediate: [], futures: [], dynamic: [] };
const ratios = { immediate: [], futures: [], dynamic: [] };

await ours('dynamic'); // warm up the JIT on both paths before measuring
await bare();
for (let round = 0; round < ROUNDS; round += 1) {
  for (const name of names) {
    // Each manager is timed right next to its own baseline run, so drift between rounds cancels out.
    const baseline = await bare();
    const rate = await ours(name);
    samples.bare.push(baseline);
    samples[name].push(rate);
    ratios[name].push(rate / baseline);
  }
  console.log(
    `round ${round + 1}: ${names.map((name) => `${name} ${Math.round(samples[name].at(-1))}/s`).join(', ')}, bare p-queue ${Math.round(samples.bare.at(-1))}/s`,
  );
}

const round2 = (value) => Math.round(value * 100) / 100;
const report = {
  bench: 'managers',
  messages: TOTAL,
  rounds: ROUNDS,
  ratios: Object.fromEntries(names.map((name) => [name, round2(median(ratios[name]))])),
  messagesPerSecond: Object.fromEntries(
    [...names, 'bare'].map((name) => [name === 'bare' ? 'p-queue' : name, Math.round(median(samples[name]))]),
  ),
};
console.log(JSON.stringify(report));
