// Delivers 50,000 messages through each manager to the mock transport, with
// 5 % transport failures and 1 % exhaustion, and prints what happened.
// Run from the repository root after `npm run build`: node examples/stress-mock/index.js
import { Mailer, Message } from '@mailroom/core';
import { createMock } from '@mailroom/transport-mock';

const MESSAGES = Number(process.argv[2] ?? 50_000);

for (const manager of ['futures', 'dynamic']) {
  const mock = createMock({ failure: 0.05, exhaustion: 0.01, seed: 1, outbox: false });
  const mailer = await new Mailer({ manager: { use: manager, workers: 8 }, transport: { use: mock } }).start();
  const started = performance.now();
  const results = [];
  for (let index = 0; index < MESSAGES; index += 1) {
    const message = new Message({ author: 'stress@example.org', to: `user${index}@example.org`, subject: `#${index}`, plain: 'hello' });
    const { result } = await mailer.submit(message); // waits while the queue is full: flat memory
    results.push(
      result.then(
        () => 'delivered',
        (error) => error.code,
      ),
    );
  }
  const outcomes = await Promise.all(results);
  await mailer.stop();
  const seconds = (performance.now() - started) / 1000;
  const failed = outcomes.filter((outcome) => outcome !== 'delivered').length;
  console.log(
    `${manager}: ${MESSAGES - failed} delivered, ${failed} failed, ${mailer.stats.retries} retries, ` +
      `${mailer.stats.transportsCreated} transports, ${Math.round(MESSAGES / seconds)} msg/s`,
  );
}
