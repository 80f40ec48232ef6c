// A post (or a resume) in its own process, for the crash test to kill with SIGKILL.
// Usage: node crash-child.mjs DB OUTBOX (DB: an SQLite file or a postgres:// URL) (post LIST MESSAGE_FILE | resume ID)
// Receipt is durable: each delivery the mock transport completes appends its recipients to OUTBOX
// (O_APPEND, one write per delivery), so what the parent counts is what was delivered.
import { appendFileSync, readFileSync } from 'node:fs';
import { Mailer } from '@mailroom/core';
import { createSqliteStore, openStore, postToList, resumePost } from '@mailroom/lists';
import { createMock } from '@mailroom/transport-mock';

const [dbPath, outboxPath, mode, arg, file] = process.argv.slice(2);
const mock = createMock({ latency: '0-2', outbox: false, seed: process.pid });
const durable = {
  ...mock,
  create(options, context) {
    const inner = mock.create(options, context);
    return {
      startup: () => inner.startup(),
      shutdown: () => inner.shutdown(),
      async deliver(message) {
        const receipt = await inner.deliver(message);
        appendFileSync(outboxPath, `${message.recipients.items.map((address) => address.address).join('\n')}\n`);
        return receipt;
      },
    };
  },
};
const store = /^postgres(ql)?:/.test(dbPath) ? await openStore(dbPath) : createSqliteStore(dbPath);
const mailer = await new Mailer({
  manager: { use: 'dynamic', workers: Number(process.env.WORKERS), queue: Number(process.env.QUEUE) },
  transport: { use: durable },
}).start();
const handle =
  mode === 'post'
    ? await postToList({ store, mailer, list: arg, message: readFileSync(file), ledgerBatch: Number(process.env.LEDGER_BATCH) })
    : await resumePost({ store, mailer, id: arg, ledgerBatch: Number(process.env.LEDGER_BATCH) });
process.stdout.write(`started ${handle.id}\n`);
const report = await handle.done;
await mailer.stop();
await store.close();
process.stdout.write(`report ${JSON.stringify(report)}\n`);
