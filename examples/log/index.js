// Sends two messages through the log transport: one DELIVER line each on
// stderr, then the same with the full MIME at the most verbose level.
// Run from the repository root after `npm run build`: node examples/log/index.js
import { Mailer } from '@mailroom/core';

for (const level of ['info', 'trace']) {
  const mailer = await new Mailer({
    'transport.use': 'log', // also known by Marrow Mailer's name, 'logging'
    'transport.level': level,
    'transport.name': `example.${level}`,
    'message.author': 'Robot <robot@example.org>',
  }).start();
  const result = await mailer
    .new({ to: ['alice@example.org', 'Bob <bob@example.org>'], subject: `Logged at ${level}`, plain: 'Hello!' })
    .send();
  console.log(`${level}: delivered to ${result.accepted.join(', ')}`);
  await mailer.stop();
}
