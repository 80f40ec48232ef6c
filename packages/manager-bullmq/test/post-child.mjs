// A list post (or its resume) on the PostgreSQL store through the bullmq manager, in its
// own process for the scale-out test to kill with SIGKILL.
// Usage: node post-child.mjs JSON, with { store, config, mode: 'post' | 'resume', list, message | id, ledgerBatch }.
// Prints `started ID` once the post is in the ledger and `report JSON` when it is done.
import { readFileSync } from 'node:fs';
import { Mailer } from '@mailroom/core';
import { openStore, postToList, resumePost } from '@mailroom/lists';

const job = JSON.parse(process.argv[2]);
const store = await openStore(job.store);
const mailer = await new Mailer(JSON.parse(readFileSync(job.config, 'utf8'))).start();
const common = { store, mailer, ledgerBatch: job.ledgerBatch, window: job.window };
const handle =
  job.mode === 'post'
    ? await postToList({ ...common, list: job.list, message: readFileSync(job.message) })
    : await resumePost({ ...common, id: job.id });
process.stdout.write(`started ${handle.id}\n`);
const report = await handle.done;
await mailer.stop();
await store.close();
process.stdout.write(`report ${JSON.stringify(report)}\n`);
